// @decorator-modes both: the README's @listen examples.
import { EventEmitter } from "node:events";
import { Aex, get, listen, type Scope } from "@aex/core";
import { get as httpGet, listen as serve } from "./support/http";

describe("@listen(event) — the README's example", () => {
  class Listen {
    private name: string;
    constructor(name?: string) {
      this.name = name || "";
    }
    @listen("echo")
    public echo(emitter: EventEmitter, ...messages: any[]) {
      emitter.emit("echoed", messages[0]);
    }

    @get("/")
    public async get(_req: any, res: any, scope: Scope) {
      scope.emitter.on("echoed1", (mesasge) => {
        res.end(mesasge + " from " + this.name);
      });
      scope.emitter.emit("echo1", "Hello");
    }
  }

  class Listen1 {
    @listen("echo1")
    public echo1(emitter: EventEmitter, ...messages: any[]) {
      emitter.emit("echoed1", "echoed1 " + messages[0]);
    }
  }

  let emitter: EventEmitter;
  let aex: Aex;
  beforeEach(async () => {
    emitter = new EventEmitter();
    aex = new Aex(emitter);
    aex.push(Listen, "Nude");
    aex.push(Listen1);
    await aex.prepare().start(0, "127.0.0.1");
  });
  afterEach(() => aex.close());

  it("routes events between classes and answers after the handler returned", async () => {
    const res = await httpGet(`http://127.0.0.1:${aex.port}`, "/");
    expect(res.status).toBe(200);
    expect(res.text).toBe("echoed1 Hello from Nude");
  });

  it("lets plain emitter users talk to listeners", async () => {
    const echoed = new Promise((resolve) => emitter.once("echoed", resolve));
    emitter.emit("echo", "Hello Aex!");
    await expect(echoed).resolves.toBe("Hello Aex!");
  });

  it("removes its listeners on close", async () => {
    expect(emitter.listenerCount("echo")).toBe(1);
    await aex.close();
    expect(emitter.listenerCount("echo")).toBe(0);
  });

  it("keeps serving when a listener throws or rejects", async () => {
    class Faulty {
      @listen("boom")
      boom() {
        throw new Error("sync failure");
      }
      @listen("boom-async")
      async boomAsync() {
        throw new Error("async failure");
      }
    }
    class Status {
      @get("/status")
      status(_req: any, res: any) {
        res.end("still serving");
      }
    }
    const own = new EventEmitter();
    const app = new Aex(own).push(Faulty).push(Status);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const base = await serve(app);
      expect(() => own.emit("boom")).not.toThrow();
      own.emit("boom-async");
      // The rejection is caught and logged by Aex: a request after it is answered, and
      // once it has been answered no rejection went unhandled.
      const res = await httpGet(base, "/status");
      expect(res.status).toBe(200);
      expect(res.text).toBe("still serving");
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await app.close();
    }
  });
});
