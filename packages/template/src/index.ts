// @aex/template — filled by its own issue.
export {};
