// `aex start` (production, --cluster) and `aex dev` (TypeScript, restart on change) as
// real processes: the started app answers over HTTP; dev restarts when its file changes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnAex, type Running } from "./run-aex";

const LISTENING = /Listening on (http:\/\/127\.0\.0\.1:\d+\/) \((\w+), pid (\d+)\)/;

function fetchText(url: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    }).on("error", reject);
  });
}

jest.setTimeout(30_000);

let running: Running | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("aex start", () => {
  it("runs the entry with NODE_ENV=production and the app answers", async () => {
    running = spawnAex(["start", "main.js"], { PORT: "0", NODE_ENV: "development" });
    const [match] = await running.waitFor(LISTENING);
    expect(match[2]).toBe("production");
    const res = await fetchText(match[1] + "notes");
    expect(res).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), body: '{"notes":[]}' });
  });

  it("--cluster 2 forks two workers through runCluster, sharing one port", async () => {
    running = spawnAex(["start", "main.js", "--cluster", "2"], { PORT: "0" });
    const matches = await running.waitFor(LISTENING, 2);
    const pids = new Set(matches.map((m) => m[3]));
    expect(pids.size).toBe(2);
    expect(pids.has(String(running.child.pid))).toBe(false);
    expect(new Set(matches.map((m) => m[1])).size).toBe(1);
    expect((await fetchText(matches[0][1] + "notes")).status).toBe(200);
  });
});

describe("aex dev", () => {
  it("runs a TypeScript entry with decorators and restarts it when the file changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aex-dev-"));
    const entry = join(dir, "main.ts");
    const source = (version: string) => `// A dev entry: TypeScript with a decorator, kept alive by a timer.
function tag(value: string) {
  return (_target: unknown, _context: ClassMethodDecoratorContext) => void console.log("tagged " + value);
}
class Version {
  @tag("${version}")
  show(): string {
    return "${version}";
  }
}
const kind: string = process.env.NODE_ENV ?? "none";
console.log("version " + new Version().show() + " in " + kind);
setInterval(() => {}, 60_000);
`;
    try {
      writeFileSync(entry, source("one"));
      running = spawnAex(["dev", entry], { NODE_ENV: "" }, dir);
      await running.waitFor(/version one in development/);
      expect(running.output()).toContain("tagged one");
      writeFileSync(entry, source("two"));
      await running.waitFor(/version two in development/);
      expect(running.output()).toContain("tagged two");
    } finally {
      await running?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
