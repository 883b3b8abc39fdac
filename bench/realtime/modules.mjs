// The packages the realtime bench runs, resolved from the workspace: @aex/ws's own `ws` and
// `redis` (the versions Aex ships with), and the built @aex/core and @aex/ws (`pnpm build`).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(join(root, "packages/ws/package.json"));

export const core = require("@aex/core");
export const ws = require("ws");
export const redis = require("redis");
export const aexWs = require(join(root, "packages/ws/dist/index.js"));
export const aexWsRedis = require(join(root, "packages/ws/dist/redis.js"));
export const versions = {
  ws: require("ws/package.json").version,
  redis: require("redis/package.json").version,
};
