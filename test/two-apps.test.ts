import { Aex, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { session } from "@aex/session";
import { template, templates, type ViewEngine } from "@aex/template";
import { hubOf, ws, type WebSocketHandler } from "@aex/ws";

const engine = (name: string): ViewEngine => ({ render: (view) => `<p>${name}:${view}</p>` });

/** One class pushed to both apps: sessions, a template engine and a socket route. */
class Shared {
  @get("/count")
  @session()
  count(_req: AexRequest, res: AexResponse, scope: Scope) {
    scope.session.n = (scope.session.n ?? 0) + 1;
    res.json({ n: scope.session.n });
  }

  @get("/page")
  @template(() => engine("tpl"), "/views")
  page(_req: AexRequest, res: AexResponse) {
    void res.render("home");
  }

  @ws("/live")
  live(handler: WebSocketHandler) {
    handler.join("all");
  }
}

describe("two apps in one process", () => {
  it("share no sessions, helpers, hubs or plugin state", async () => {
    const a = new Aex().push(Shared);
    const b = new Aex().push(Shared);
    const ca = a.inject();
    expect((await ca.get("/count")).json()).toEqual({ n: 1 });
    // b does not know a's session (its own store and secret).
    const cb = b.inject();
    for (const [name, value] of ca.cookies) cb.cookies.set(name, value);
    expect((await cb.get("/count")).json()).toEqual({ n: 1 });
    // Each app has its own response class, with res.render added to it alone.
    expect((await a.inject().get("/page")).text()).toBe("<p>tpl:home</p>");
    expect(a.has(templates) && b.has(templates)).toBe(true);
    expect(a.Response).not.toBe(b.Response);
    // Each app has its own hub: a broadcast on one reaches none of the other's sockets.
    const sa = (await a.inject().ws("/live")).socket!;
    const sb = (await b.inject().ws("/live")).socket!;
    expect(hubOf(a)).not.toBe(hubOf(b));
    expect([hubOf(a).handlers.size, hubOf(b).handlers.size]).toEqual([1, 1]);
    hubOf(b).to("all").send("from", "b");
    hubOf(a).to("all").send("from", "a");
    expect(await sa.next("from")).toBe("a");
    expect(await sb.next("from")).toBe("b");
    expect([...sa.messages, ...sb.messages]).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});
