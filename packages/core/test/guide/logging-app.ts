import { Aex, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import pino, { type DestinationStream } from "pino";

class Orders {
  @get("/orders/:id")
  show(_req: AexRequest, res: AexResponse, scope: Scope) {
    // A child of app.log bound to this request's id, made on first use.
    scope.log.info({ order: scope.params.id }, "order shown");
    res.json({ id: scope.params.id });
  }
}

export function createApp(destination: DestinationStream): Aex {
  const logger = pino({ level: "info" }, destination);
  // Behind a proxy that sets X-Request-Id, trust it; otherwise Aex generates one.
  return new Aex({ logger, logRequests: true, requestId: { trust: true } }).push(Orders);
}
