// @aex/ws — filled by its own issue.
export {};
