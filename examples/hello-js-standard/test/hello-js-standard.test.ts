import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

// The JavaScript example runs as a user would run it: node with Babel's register hook.
describe("examples/hello-js-standard (Babel 2023-11 standard decorators)", () => {
  let child: ChildProcess;
  let base: string;

  beforeAll(async () => {
    const dir = join(__dirname, "..");
    child = spawn(process.execPath, ["-r", "@babel/register", "src/main.js"], {
      cwd: dir,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    base = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        const url = /listening on (http:\/\/\S+)\//.exec(String(chunk));
        if (url) resolve(url[1]);
      });
      child.once("exit", (code) => reject(new Error(`the example exited with ${code}`)));
    });
  }, 60_000);

  afterAll(() => {
    child?.kill();
  });

  it("answers every path through @http('*', '*')", async () => {
    const res = await fetch(`${base}/anything`, { method: "PUT" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Hello from Eric!");
  });

  it("reads params and JSON bodies", async () => {
    expect(await (await fetch(`${base}/json/7`)).json()).toEqual({ id: "7", from: "Eric" });
    const echo = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"a":1}',
    });
    expect(await echo.json()).toEqual({ a: 1 });
  });
});
