/** What a new project includes besides the core: the flags of `create-aex`. */
export interface Choices {
  /** `--session`: a cookie session (`@aex/session`, memory store). */
  session: boolean;
  /** `--template`: server-rendered pages (`@aex/template` with nunjucks). */
  template: boolean;
  /** `--ws`: WebSockets (`@aex/ws`) on the app's server. */
  ws: boolean;
  /** `--redis`: sessions in Redis when `REDIS_URL` is set (implies `--session`). */
  redis: boolean;
}

export const NO_CHOICES: Choices = { session: false, template: false, ws: false, redis: false };

/** Whether the project keeps a session (`--session`, or `--redis` which implies it). */
export const hasSession = (c: Choices) => c.session || c.redis;
