import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Scope } from "../scope/scope";
import type { ICompactContext } from "./types";

/** The object a compact-mode step receives. */
export class CompactContext implements ICompactContext {
  /**
   * @param req The request.
   * @param res The response.
   * @param scope The request's scope.
   */
  constructor(
    readonly req: AexRequest,
    readonly res: AexResponse,
    readonly scope: Scope,
  ) {}

  /** The request (`req`). */
  get request(): AexRequest {
    return this.req;
  }

  /** The response (`res`). */
  get response(): AexResponse {
    return this.res;
  }
}
