import compression from "compression";
import cors from "cors";
import helmet from "helmet";
import { Aex, get, toAsyncMiddleware, type AexRequest, type AexResponse, type ExpressMiddleware } from "@aex/core";

class Catalog {
  @get("/products")
  products(_req: AexRequest, res: AexResponse) {
    res.json(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Product ${i}` })));
  }
}

/** An Aex app whose global middlewares are Express packages, used as they are. */
export function createApp(): Aex {
  const aex = new Aex();
  aex.use(toAsyncMiddleware(helmet()));
  aex.use(toAsyncMiddleware(cors({ origin: "https://shop.example" })));
  aex.use(toAsyncMiddleware(compression() as ExpressMiddleware));
  aex.push(Catalog);
  return aex;
}
