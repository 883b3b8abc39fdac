// Helpers of test/pack.test.ts: pack the workspace's packages as a publish would, make
// projects the way a newcomer does (npm init, npm install, tsc --init), run their servers.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const ROOT = join(__dirname, "..");

/** The packages the pack test installs into its projects (core first: the others peer on it). */
export const PACKAGES = ["core", "session", "template", "ws", "openapi", "auth"] as const;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS list shared with the scripts
const { LIBRARIES, TOOLS } = require("../scripts/workspace.cjs") as { LIBRARIES: string[]; TOOLS: string[] };

/** Every published package's folder (scripts/workspace.cjs), in release order. */
export const PUBLISHED: readonly string[] = [...LIBRARIES, ...TOOLS];

/** The other published packages: packed and checked, not installed (test/pack.test.ts). */
export const PACKED_ONLY = PUBLISHED.filter((name) => !(PACKAGES as readonly string[]).includes(name));

/**
 * The environment of a newcomer's shell: none of the `npm_*` / `pnpm_*` settings that the
 * test runner (started by pnpm) inherited, so npm behaves as it would for a user.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$|NODE_PATH$|JEST_|TS_JEST)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command; a failure carries its output, so a broken step says why. */
export async function sh(
  cwd: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: cleanEnv(env), maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

let pnpmBin: Promise<string> | undefined;

/** pnpm 9's executable, found once through npx (each `npx pnpm@9` costs seconds). */
function pnpm(): Promise<string> {
  pnpmBin ??= sh(ROOT, "npx", ["--yes", "--prefer-offline", "-p", "pnpm@9", "-c", "command -v pnpm"]).then((out) =>
    out.trim(),
  );
  return pnpmBin;
}

/**
 * `pnpm pack` of one package into `destination`: pnpm rewrites the `workspace:` ranges, and
 * the package's `prepack` script builds it first. Returns the tarball's path.
 */
export async function pack(name: string, destination: string): Promise<string> {
  const out = await sh(join(ROOT, "packages", name), await pnpm(), ["pack", "--pack-destination", destination]);
  const tarball = out
    .trim()
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.endsWith(".tgz"))
    .pop();
  if (tarball === undefined) throw new Error(`pnpm pack printed no tarball:\n${out}`);
  return tarball;
}

/** `npm install` as the test runs it: no audit, no funding notes, the local cache first. */
export const npmInstall = (cwd: string, args: string[]) =>
  sh(cwd, "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...args]);

/** Replaces one exact line part of `tsc --init`'s tsconfig.json (it has comments). */
export function editTsconfig(path: string, from: string, to: string): void {
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`tsc --init wrote no ${from} in ${path}:\n${text}`);
  writeFileSync(path, text.replace(from, to));
}

/** A started server process and the URL it printed. */
export interface Started {
  child: ChildProcess;
  url: URL;
}

/** Starts `node <file>` with PORT=0 and waits for the line `Listening on <url>`. */
export function startServer(cwd: string, file: string): Promise<Started> {
  const child = spawn(process.execPath, [file], { cwd, env: cleanEnv({ PORT: "0" }) });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (\S+)/.exec(output);
      if (match) resolve({ child, url: new URL(match[1]) });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`node ${file} exited with ${code}:\n${output}`)));
  });
}

/** Stops a started server and waits until its process is gone. */
export function stop(started: Started | undefined): Promise<void> {
  if (started === undefined || started.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    started.child.on("exit", () => resolve());
    started.child.kill();
  });
}

export interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/** GET over HTTP (node's client, which resolves `localhost` as the server did). */
export function get(base: URL, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Packages in a node_modules tree: every folder with a package.json at a package's root, nested
 * copies included (as bench/install-size.mjs counts them).
 */
export function countPackages(modules: string): number {
  if (!existsSync(modules)) return 0;
  let count = 0;
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    const path = join(modules, name);
    const roots = name.startsWith("@") ? readdirSync(path).map((scoped) => join(path, scoped)) : [path];
    for (const root of roots) {
      if (existsSync(join(root, "package.json"))) count += 1 + countPackages(join(root, "node_modules"));
    }
  }
  return count;
}

/** Size on disk in bytes, as `du` counts it (blocks allocated). */
export async function diskUsage(path: string): Promise<number> {
  const { stdout } = await run("du", ["-sk", path]);
  return Number(stdout.split("\t")[0]) * 1024;
}
