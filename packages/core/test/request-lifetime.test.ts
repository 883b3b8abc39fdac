import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Aex, body, get, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { listen, send } from "./support/http";

// What Aex keeps of a request once it is answered: nothing. A response held by one of
// Aex's watch lists after it ended lives on until that list is next swept (up to a second
// under load); with hundreds of requests in flight that is enough to move every request's
// objects into V8's old generation, and young collections got four times slower.
const bun = (globalThis as { Bun?: { gc(full: boolean): void } }).Bun;
const collectGarbage = bun !== undefined ? () => bun.gc(true) : exposedGc();

function exposedGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const responses: WeakRef<AexResponse>[] = [];

class Lifetimes {
  @get("/later")
  later(_req: AexRequest, res: AexResponse) {
    responses.push(new WeakRef(res));
    // Answered after the handler returned: the handler timeout watches it until then.
    setImmediate(() => res.end("later"));
  }

  @post("/echo")
  @body("json")
  echo(_req: AexRequest, res: AexResponse, scope: Scope) {
    responses.push(new WeakRef(res));
    res.json(scope.body);
  }
}

class Slow {
  @get("/never")
  never() {}

  @get("/later")
  later(_req: AexRequest, res: AexResponse) {
    setImmediate(() => res.end("later"));
  }
}

/** Lets pending callbacks run, then collects garbage; how many watched responses are still alive. */
async function alive(): Promise<number> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return responses.filter((ref) => ref.deref() !== undefined).length;
}

describe("a finished request", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    // A 30 s handler timeout: its watch sweeps once a second, longer than this test waits.
    aex = new Aex({ logger: false, handlerTimeout: 30_000 }).push(Lifetimes);
    base = await listen(aex);
  });
  afterAll(() => aex.close());
  beforeEach(() => {
    responses.length = 0;
  });

  it("answered after its handler returned is not kept by the handler timeout's watch", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await send(base, "GET", "/later");
      expect(res.status).toBe(200);
      expect(res.text).toBe("later");
    }
    expect(responses).toHaveLength(5);
    expect(await alive()).toBe(0);
  });

  it("whose JSON body was read is not kept by the body-timeout watch", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await send(base, "POST", "/echo", {
        headers: { "content-type": "application/json" },
        body: `{"n":${i}}`,
      });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ n: i });
    }
    expect(responses).toHaveLength(5);
    expect(await alive()).toBe(0);
  });

  it("still times out a handler that never answers, after others came and went", async () => {
    const slow = new Aex({ logger: false, handlerTimeout: 100 }).push(Slow);
    const slowBase = await listen(slow);
    try {
      for (let i = 0; i < 3; i++) expect((await send(slowBase, "GET", "/later")).text).toBe("later");
      const res = await send(slowBase, "GET", "/never");
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, code: "AEX_HANDLER_TIMEOUT" });
    } finally {
      await slow.close();
    }
  });
});
