import { Aex, get, type AexRequest, type AexResponse, type IAsyncMiddleware } from "@aex/core";
import { metrics, telemetry } from "@aex/metrics";

// Any step can guard the metrics and the telemetry page.
const adminsOnly: IAsyncMiddleware = (req, res) => {
  if (req.get("authorization") === `Bearer ${process.env.ADMIN_TOKEN}`) return;
  res.status(401).json({ code: "UNAUTHORIZED" });
  return false;
};

class Orders {
  @get("/orders/:id")
  order(req: AexRequest, res: AexResponse) {
    res.json({ id: req.params.id });
  }
}

export const aex = new Aex()
  .register(metrics({ guard: adminsOnly })) // Prometheus scrapes /metrics
  .register(telemetry({ guard: adminsOnly })) // the page: /telemetry
  .push(Orders);
