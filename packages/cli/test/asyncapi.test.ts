// `aex asyncapi` against a compiled realtime app (test/fixtures/realtime-app.js: a @ws and an
// @sse route with @sends/@receives, registering asyncapi()).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES, aex } from "./run-aex";

jest.setTimeout(30_000);

type Doc = {
  asyncapi: string;
  info: { title: string; version: string };
  servers?: Record<string, { host: string; protocol: string }>;
  channels: Record<string, { address: string; messages: Record<string, unknown> }>;
  operations: Record<string, { action: string }>;
};

describe("aex asyncapi", () => {
  it("-o writes the app's AsyncAPI document: its plugin's options, --title and --server over them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aex-asyncapi-"));
    try {
      const out = join(dir, "asyncapi.json");
      const args = [
        "asyncapi",
        "realtime-app.js",
        "-o",
        out,
        "--title",
        "Live API",
        "--server",
        "https://live.example.com",
      ];
      const { code, stdout, stderr } = await aex(args);
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "", stderr: `aex: wrote ${out}\n` });
      const doc = JSON.parse(readFileSync(out, "utf8")) as Doc;
      expect(doc.asyncapi).toBe("3.0.0");
      expect(doc.info).toEqual({ title: "Live API", version: "2.0.0" });
      expect(doc.servers).toEqual({
        "server-ws": { host: "live.example.com", protocol: "wss" },
        "server-http": { host: "live.example.com", protocol: "https" },
      });
      expect(Object.values(doc.channels).map((channel) => channel.address)).toEqual(["/chat/{room}", "/feed"]);
      expect(Object.keys(doc.channels.chat_room.messages)).toEqual(["say", "said", "error"]);
      expect(Object.entries(doc.operations).map(([id, op]) => `${id} ${op.action}`)).toEqual([
        "Live_chat_receive receive",
        "Live_chat_send send",
        "Live_feed_send send",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without -o prints the document on stdout, as the app serves it", async () => {
    const { code, stdout, stderr } = await aex(["asyncapi", join(FIXTURES, "realtime-app.js")]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.endsWith("}\n")).toBe(true);
    const doc = JSON.parse(stdout) as Doc;
    expect(doc.info).toEqual({ title: "Live", version: "2.0.0" });
    expect(doc.servers).toBeUndefined();
  });

  it("a --server that is no http(s) or ws(s) URL exits with code 1 and the option's error", async () => {
    const { code, stdout, stderr } = await aex(["asyncapi", "realtime-app.js", "--server", "ftp://files.example.com"]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
    expect(stderr).toBe(
      "aex: asyncapi() or buildAsyncApi() was given an option it cannot use (a path, a server URL): " +
        "servers[0].url must be an http(s) or ws(s) URL without query or fragment: ftp://files.example.com\n",
    );
  });

  it("names the package to install when the app has no @aex/asyncapi, with exit code 1", async () => {
    // An app folder outside the workspace with @aex/core alone, as `npm i @aex/core` leaves it.
    const dir = mkdtempSync(join(tmpdir(), "aex-no-asyncapi-"));
    try {
      mkdirSync(join(dir, "node_modules", "@aex"), { recursive: true });
      symlinkSync(join(__dirname, "..", "..", "core"), join(dir, "node_modules", "@aex", "core"));
      copyFileSync(join(FIXTURES, "app.js"), join(dir, "app.js"));
      // No NODE_PATH: jest's bin wrapper (pnpm's) points it at the workspace's hoisted packages.
      expect(await aex(["asyncapi", "app.js"], dir, { NODE_PATH: "" })).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "aex: aex asyncapi needs @aex/asyncapi, which app.js cannot load: install it beside the app (npm install @aex/asyncapi @aex/openapi)\n",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is in aex --help", async () => {
    const { code, stdout } = await aex(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("\n  asyncapi [entry] [-o file]");
    expect(stdout).toContain("[--server url]");
  });
});
