// @aex/session: stores, cookie sessions and @session — filled by its own issue.
export {};
