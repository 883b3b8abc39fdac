import { gunzipSync } from "node:zlib";
import { createApp } from "../src/app";

describe("examples/express-middleware", () => {
  const aex = createApp();

  it("runs helmet, cors and compression in front of a controller", async () => {
    const res = await aex.inject().get("/products").set({ Origin: "https://shop.example", "Accept-Encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["access-control-allow-origin"]).toBe("https://shop.example");
    expect(res.headers["content-encoding"]).toBe("gzip");
    const products = JSON.parse(gunzipSync(res.body).toString("utf8"));
    expect(products).toHaveLength(200);
    expect(products[199]).toEqual({ id: 199, name: "Product 199" });
  });

  it("lets cors answer a preflight by itself", async () => {
    const res = await aex
      .inject()
      .options("/products")
      .set({ Origin: "https://shop.example", "Access-Control-Request-Method": "GET" });
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-methods"]).toContain("GET");
  });
});
