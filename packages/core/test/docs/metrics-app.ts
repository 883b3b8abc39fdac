import { Aex, get, metrics, telemetry, type AexRequest, type AexResponse, type IAsyncMiddleware } from "@aex/core";

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

export const live = telemetry({ guard: adminsOnly }); // the page: /telemetry
export const aex = new Aex()
  .use(metrics({ guard: adminsOnly })) // Prometheus scrapes /metrics
  .use(live)
  .push(Orders);
aex.onClose(() => live.close());
