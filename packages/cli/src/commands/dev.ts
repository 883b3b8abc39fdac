import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { entryPath } from "../load-app";

/**
 * `aex dev [entry]`: `node --watch --import tsx <entry>`. Node's own watch mode follows every
 * file the entry imports and restarts on change; tsx (esbuild) compiles TypeScript, decorators
 * included, as it loads. Resolves with node's exit code.
 */
export function dev(entry: string): Promise<number> {
  const loader = require.resolve("tsx");
  const child = spawn(process.execPath, ["--watch", "--import", pathToFileURL(loader).href, entryPath(entry)], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV || "development" },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 0)));
}
