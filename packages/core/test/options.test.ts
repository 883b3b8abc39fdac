import { Aex, AexError, http } from "@aex/core";

function setupError(run: () => unknown): AexError {
  try {
    run();
  } catch (error) {
    if (error instanceof AexError) return error;
    throw error;
  }
  throw new Error("no setup error");
}

describe("new Aex(options) checks its options", () => {
  it.each([
    [{ handlerTimeout: "5s" }, /handlerTimeout must be a whole number of milliseconds ≥ 0.*not "5s"/],
    [{ maxParamLength: -1 }, /maxParamLength must be a whole number of characters ≥ 1.*not -1/],
    [{ closeTimeout: 1.5 }, /closeTimeout must be a whole number of milliseconds/],
    [{ logLevel: "loud" }, /logLevel must be one of trace, debug, info, warn, error, fatal, silent, not "loud"/],
    [{ dev: "yes" }, /dev must be true or false, not "yes"/],
    [{ requestId: { header: "x request id" } }, /requestId.header must be a header name/],
    [{ limits: { jsonDepth: 0 } }, /limits.jsonDepth must be a whole number of levels ≥ 1, not 0/],
    [{ server: { requestTimeout: -5 } }, /server.requestTimeout must be a whole number of milliseconds ≥ 0/],
    [{ securityHeaders: true }, /securityHeaders must be false or an object/],
    [{ trustProxy: {} }, /trustProxy must be true, a hop count/],
  ])("refuses %j with AEX_ERR_OPTIONS naming the option", (options, message) => {
    const error = setupError(() => new Aex(options as never));
    expect(error.code).toBe("AEX_ERR_OPTIONS");
    expect(error.message).toMatch(message);
  });

  it("refuses an option it does not know, naming the one it probably meant", () => {
    const error = setupError(() => new Aex({ handlerTimout: 5_000 } as never));
    expect(error.code).toBe("AEX_ERR_OPTIONS");
    expect(error.message).toMatch(/unknown option handlerTimout \(did you mean handlerTimeout\?\)/);
    expect(setupError(() => new Aex({ limits: { jsonDeph: 3 } } as never)).message).toMatch(
      /unknown option limits.jsonDeph \(did you mean limits.jsonDepth\?\)/,
    );
  });

  it("refuses options that are not an object", () => {
    expect(setupError(() => new Aex(42 as never)).message).toMatch(/takes an object of options, not 42/);
  });

  it("takes every documented option with a valid value, and node's own server options unchecked", () => {
    const aex = new Aex({
      handlerTimeout: 0,
      maxParamLength: 100,
      closeTimeout: 1_000,
      closeDelay: 0,
      server: { maxHeaderSize: 8192, keepAliveTimeout: 5_000, noDelay: true },
      methodNotAllowed: false,
      dev: false,
      production: true,
      logger: false,
      logLevel: "warn",
      logRequests: false,
      validateResponses: false,
      validationStatus: 422,
      requestId: { trust: true, header: "X-Trace-Id", echo: false },
      handleSignals: false,
      shutdownTimeout: 2_000,
      limits: { jsonDepth: 8, bodyTimeout: 0 },
      securityHeaders: false,
      trustProxy: ["loopback"],
    });
    expect(aex.options.handlerTimeout).toBe(0);
    expect(aex.options.requestId.header).toBe("x-trace-id");
    expect(aex.options.limits.jsonDepth).toBe(8);
    expect(aex.options.validationStatus).toBe(422);
  });
});

describe("@http(methods, url) with a method node does not know", () => {
  it("throws AEX_ERR_DECORATOR_ARGS instead of leaving a route nothing reaches", () => {
    const error = setupError(() => http("gett", "/x"));
    expect(error.code).toBe("AEX_ERR_DECORATOR_ARGS");
    expect(error.message).toMatch(/unknown HTTP method "gett"/);
    expect(setupError(() => http(["get", "fetch"], "/x")).message).toMatch(/unknown HTTP method "fetch"/);
  });

  it("still takes every method node knows, in any case, and '*'", () => {
    expect(() => http(["get", "POST", "Purge", "*"], "/x")).not.toThrow();
  });
});
