import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { template } from "@aex/template";

/** An engine that shows what data it was given. */
const showNonce = () => ({
  render: (_name: string, data: object) => `<script nonce="${(data as { nonce: string }).nonce}"></script>`,
});

class Page {
  @get("/render")
  @template(showNonce, "views")
  async render(_req: AexRequest, res: AexResponse) {
    await res.render("page", { title: "t" });
  }

  @get("/own-nonce")
  @template(showNonce, "views")
  async own(_req: AexRequest, res: AexResponse) {
    await res.render("page", { nonce: "mine" });
  }
}

describe("res.render and the CSP nonce", () => {
  it("gives templates `nonce`, and the page's CSP allows it", async () => {
    const res = await new Aex().push(Page).inject().get("/render").execute();
    expect(res.status).toBe(200);
    const nonce = /nonce="([^"]+)"/.exec(res.text())?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(res.headers["content-security-policy"]).toContain(`'nonce-${nonce}'`);
  });

  it("keeps a nonce the data brings", async () => {
    const res = await new Aex().push(Page).inject().get("/own-nonce").execute();
    expect(res.text()).toBe('<script nonce="mine"></script>');
  });
});
