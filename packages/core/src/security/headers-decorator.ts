import { AexError } from "../errors/aex-error";
import type { Step } from "../pipeline/types";
import { addStep } from "../registry/registry";
import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { mergeSecurityOptions, resolveSecurityHeaders, type SecurityHeadersOptions } from "./headers";

/** Records the `@headers` step for one method (kept alone so the decorator switch is one line). */
function record(target: object, key: string | symbol, options: SecurityHeadersOptions | false): void {
  addStep(target, key, {
    name: "headers",
    build: ({ app }): Step => {
      // Computed once per route, at prepare(): the request only swaps the block.
      const block =
        options === false
          ? null
          : resolveSecurityHeaders(mergeSecurityOptions(app.options.securityHeaders?.options ?? null, options));
      return (_req, res) => {
        res.securityHeaders = block;
      };
    },
  });
}

/**
 * Changes this route's security headers: options merged over the app's
 * (`new Aex({ securityHeaders })`), or `false` for none.
 *
 * @example
 * class Embeds {
 *   @get("/widget")
 *   @headers({ xFrameOptions: false, contentSecurityPolicy: { "frame-ancestors": ["https://partner.example"] } })
 *   widget(req, res) { res.send("<p>embeddable</p>"); }
 * }
 */
export function headers(options: SecurityHeadersOptions | false): AexMethodDecorator {
  if (options !== false && (typeof options !== "object" || options === null)) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@headers takes an options object or false");
  }
  return methodDecorator((holder, key) => record(holder, key, options));
}
