// docs/database.md's commands, run as written from the repository's root: `pnpm start` builds
// and starts the demo on SQLite and on PostgreSQL (the test's own server in place of the
// doc's example URL). Each one must serve notes from its database. And what the doc says of
// several instances: processes that start together on one new SQLite file all migrate it.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type PostgresServer } from "./support/postgres-server";

const ROOT = join(__dirname, "..", "..", "..");

/** The demo's commands of docs/database.md, line for line; the tests below run each. */
const COMMANDS = [
  "npx --yes pnpm@9 start",
  "DATABASE_URL=postgres://notes:secret@127.0.0.1:5432/notes npx --yes pnpm@9 start",
];

/** The ```sh blocks of docs/database.md, comments and blank lines dropped. */
function docCommands(): string[] {
  const doc = readFileSync(join(ROOT, "docs", "database.md"), "utf8");
  return [...doc.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((match) => match[1].split("\n"))
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** A shell's environment as a user has it: none of the settings of the pnpm or jest that run the test. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_|pnpm_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$|JEST_|TS_JEST|DATABASE_URL$|DATA_DIR$)/i.test(key),
    ),
  );
  return { ...env, ...extra };
}

/** A demo started by a command: its start-up line, its address, and how to stop it. */
interface Demo {
  readonly line: string;
  readonly base: string;
  stop(): Promise<void>;
}

/** Runs `command` in a shell at the root until it prints the demo's start-up line. */
async function startDemo(command: string, env: Record<string, string>): Promise<Demo> {
  const child = spawn("sh", ["-c", command], { cwd: ROOT, env: userEnv(env), detached: true });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const started = /^Aex notes demo: .*$/m.exec(output);
      if (started) resolve(started[0]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => reject(new Error(`${command} exited:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), "SIGTERM");
    await exited;
  };
  return { line, base: /http:\/\/[^/]+/.exec(line)![0], stop };
}

/**
 * Loads the page (a session and its CSRF token), logs in, adds a note and lists the user's
 * notes, as the page's script does.
 */
async function useNotes(base: string) {
  const page = await fetch(base + "/");
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())![1];
  const visitor = page.headers.getSetCookie()[0].split(";")[0];
  const login = await fetch(base + "/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: visitor, "X-CSRF-Token": token },
    body: JSON.stringify({ username: "docs", password: "database" }),
  });
  expect(login.status).toBe(200);
  // The login gave the session a new id (same data), which takes a new CSRF token: the page
  // loaded after the login carries it.
  const cookie = login.headers.getSetCookie().at(-1)!.split(";")[0];
  const after = await fetch(base + "/", { headers: { Cookie: cookie } });
  const fresh = /<meta name="csrf-token" content="([^"]+)">/.exec(await after.text())![1];
  const headers = { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": fresh };
  const added = await fetch(base + "/api/notes", {
    method: "POST",
    headers,
    body: JSON.stringify({ title: "from the docs", text: "" }),
  });
  expect(added.status).toBe(201);
  const list = await fetch(base + "/api/notes", { headers });
  expect(list.status).toBe(200);
  return (await list.json()) as { total: number; notes: { title: string }[] };
}

describe("docs/database.md's commands", () => {
  let postgres: PostgresServer;
  const home = mkdtempSync(join(tmpdir(), "aex-notes-docs-"));
  const dataDir = join(home, "data");
  let sqliteDemo: Demo | undefined;
  let postgresDemo: Demo | undefined;

  beforeAll(async () => {
    // Both commands build before they start (`tsc -b`): build once first (nothing to do after
    // `pnpm test`'s own build), so the two can start side by side without both writing dist/.
    await new Promise<void>((resolve, reject) =>
      execFile(join(ROOT, "node_modules", ".bin", "tsc"), ["-b", "tsconfig.build.json"], { cwd: ROOT }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    postgres = await startPostgres();
    const url = await postgres.createDatabase("notes");
    const local = { PORT: "0", HOST: "127.0.0.1" };
    const started = await Promise.allSettled([
      startDemo(COMMANDS[0], { ...local, DATA_DIR: dataDir }),
      // The test's own server in place of the doc's example URL.
      startDemo(COMMANDS[1].replace(/^DATABASE_URL=\S+/, `DATABASE_URL=${url}`), local),
    ]);
    // Keep the one that started even if the other did not, so afterAll stops it.
    [sqliteDemo, postgresDemo] = started.map((result) => (result.status === "fulfilled" ? result.value : undefined));
    for (const result of started) if (result.status === "rejected") throw result.reason;
  }, 180_000);

  /** Processes a test started; any still running at the end (a failed test) are killed. */
  const children: ChildProcess[] = [];

  afterAll(async () => {
    await Promise.all([sqliteDemo?.stop(), postgresDemo?.stop()]);
    await postgres?.stop();
    const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(running.map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGKILL"))));
    rmSync(home, { recursive: true, force: true });
  });

  it("are the ones this test runs", () => {
    expect(docCommands()).toEqual(COMMANDS);
  });

  it("start the demo on SQLite, in a data folder it makes", async () => {
    const file = join(dataDir, "notes.sqlite");
    expect(sqliteDemo!.line).toMatch(
      /^Aex notes demo: http:\/\/127\.0\.0\.1:\d+\/ \(notes in SQLite \(.*\), sessions in memory\)$/,
    );
    expect(sqliteDemo!.line).toContain(`SQLite (${file})`);
    expect(existsSync(file)).toBe(true);
    expect(await useNotes(sqliteDemo!.base)).toMatchObject({ total: 1, notes: [{ title: "from the docs" }] });
  });

  it("start the demo on PostgreSQL", async () => {
    expect(postgresDemo!.line).toMatch(
      /^Aex notes demo: http:\/\/127\.0\.0\.1:\d+\/ \(notes in PostgreSQL \(127\.0\.0\.1:\d+\/notes\), sessions in memory\)$/,
    );
    expect(await useNotes(postgresDemo!.base)).toMatchObject({ total: 1, notes: [{ title: "from the docs" }] });
  });

  it("let several processes start together on one new SQLite file (the cluster's workers)", async () => {
    const shared = join(home, "shared");
    // The built opener in four node processes, let go at once when all have loaded it: each
    // migrates the new file or finds it migrated. (Kysely's own SQLite dialect fails here.)
    const opener = join(ROOT, "examples/notes/dist/database/open-database.js");
    const script = [
      `const { openDatabase } = require(${JSON.stringify(opener)});`,
      "const quiet = { info() {}, warn() {} };",
      "console.log('ready');",
      "process.stdin.once('data', () => openDatabase({ dataDir: process.argv[1] }, quiet)",
      "  .then(({ db }) => db.destroy()).then(() => console.log('opened')));",
    ].join("\n");
    const workers = [1, 2, 3, 4].map(() => spawn(process.execPath, ["-e", script, shared], { cwd: ROOT }));
    children.push(...workers);
    const outputs = workers.map((worker) => {
      let output = "";
      worker.stdout.on("data", (chunk) => (output += chunk));
      worker.stderr.on("data", (chunk) => (output += chunk));
      const ready = new Promise<void>((resolve, reject) => {
        worker.stdout.on("data", () => output.includes("ready") && resolve());
        worker.once("exit", () => reject(new Error(`exited before it was ready:\n${output}`)));
      });
      const done = new Promise<string>((resolve) => worker.once("close", () => resolve(output)));
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const worker of workers) worker.stdin.end("go\n");
    expect(await Promise.all(outputs.map((o) => o.done))).toEqual(Array(4).fill("ready\nopened\n"));
  }, 30_000);
});
