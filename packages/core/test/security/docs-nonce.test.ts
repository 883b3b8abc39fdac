import { Aex, get, headers, type AexRequest, type AexResponse, type Scope } from "@aex/core";

class Pages {
  @get("/")
  home(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.send(`<script nonce="${scope.nonce}">console.log("allowed")</script>`);
  }

  @get("/widget")
  @headers({ xFrameOptions: false, contentSecurityPolicy: { "frame-ancestors": ["https://partner.example"] } })
  widget(_req: AexRequest, res: AexResponse) {
    res.send("<p>embeddable</p>");
  }
}

// The nonce and @headers example of docs/security.md.
describe("docs/security.md: scope.nonce and @headers", () => {
  const aex = new Aex().push(Pages);
  afterAll(() => aex.close());

  it("the page's inline script carries the nonce its CSP allows", async () => {
    const res = await aex.inject().get("/").execute();
    const nonce = /nonce="([^"]+)"/.exec(res.text())?.[1];
    expect(res.headers["content-security-policy"]).toContain(`script-src 'self' 'nonce-${nonce}';`);
  });

  it("the widget can be framed by the partner only", async () => {
    const res = await aex.inject().get("/widget").execute();
    expect(res.headers["x-frame-options"]).toBeUndefined();
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors https://partner.example;");
  });
});
