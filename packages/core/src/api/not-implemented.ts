import { HttpError } from "../errors/http-error";
import type { Step } from "../pipeline/types";
import { pathOf } from "../router/path-of";

/** The step of a verb or action a controller does not implement: 501. */
export const notImplemented: Step = (req) => {
  throw new HttpError(501, `${req.method} ${pathOf(req.url)} is not implemented`, {
    code: "AEX_NOT_IMPLEMENTED",
    expose: true,
  });
};
