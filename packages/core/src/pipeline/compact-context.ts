import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Scope } from "../scope/scope";
import type { ICompactContext } from "./types";

/** The object a compact-mode step receives. */
export class CompactContext implements ICompactContext {
  constructor(
    readonly req: AexRequest,
    readonly res: AexResponse,
    readonly scope: Scope,
  ) {}

  get request(): AexRequest {
    return this.req;
  }

  get response(): AexResponse {
    return this.res;
  }
}
