// @decorator-modes both: the README's @error examples.
import { Aex, error, generateErrors, http } from "@aex/core";
import { listen, send } from "./support/http";

class User {
  @http("post", "/error")
  @error({
    lang: "zh-CN",
    I: {
      Love: {
        You: {
          code: 1,
          messages: {
            "en-US": "I Love U!",
            "zh-CN": "我爱你!",
          },
        },
      },
    },
    Me: {
      alias: "I",
    },
    Not: {
      Found: {
        code: 404001,
        status: 404,
        messages: { "en-US": "No such thing", "zh-CN": "没有" },
      },
    },
  })
  public road(req: any, _res: any, scope: any) {
    const { error: e } = scope;
    const { ILoveYou, NotFound } = e;
    if (req.headers["x-lang"]) throw new ILoveYou(req.headers["x-lang"]);
    if (req.headers["x-missing"]) throw new NotFound();
    throw new ILoveYou(); // You can ignore language becuase you are now use the default language.
  }

  @http("get", "/names")
  @error({ I: { Love: { You: { code: 1, messages: { "en-US": "x" } } } }, Me: { alias: "I" } }, true)
  public names(_req: any, res: any, scope: any) {
    res.json(Object.keys(scope.error).sort());
  }
}

describe("@error(definitions, upperOrCamel?)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex({ production: true }).push(User);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("creates errors in the default language and answers them with status 400 (README)", async () => {
    const res = await send(base, "POST", "/error");
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 400,
      title: "Bad Request",
      detail: "我爱你!",
      instance: "/error",
      requestId: res.headers["x-request-id"],
      details: { code: 1, name: "ILoveYou" },
    });
  });

  it("creates errors in the language given", async () => {
    const res = await send(base, "POST", "/error", { headers: { "x-lang": "en-US" } });
    expect(res.json()).toMatchObject({ detail: "I Love U!" });
  });

  it("answers a definition's own status", async () => {
    const res = await send(base, "POST", "/error", { headers: { "x-missing": "1" } });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ detail: "没有", details: { code: 404001, name: "NotFound" } });
  });

  it("names errors in upper case on request, aliases included", async () => {
    const res = await send(base, "GET", "/names");
    expect(res.json()).toEqual(["I_LOVE_YOU", "ME_LOVE_YOU"]);
  });

  it("generates the README's three errors", () => {
    const errors = generateErrors({
      Hello: { code: 100, messages: { "en-US": "Hello" } },
      I: { Love: { You: { code: 1, messages: { "en-US": "I Love U!" } } } },
      Me: { alias: "I" },
    });
    expect(Object.keys(errors).sort()).toEqual(["Hello", "ILoveYou", "MeLoveYou"]);
    const e = new errors.MeLoveYou("en-US");
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe("I Love U!");
    expect(e.status).toBe(400);
  });
});

describe("generateErrors(definitions) without errorable", () => {
  it("gives errors errorable's members: locale, messages, getMessage with prefix, toJSON", () => {
    const { NotFound } = generateErrors({
      lang: "en-US",
      Not: { Found: { code: 404001, status: 404, prefix: "E404", messages: { "en-US": "No such thing", fr: "Rien" } } },
    });
    const e = new NotFound();
    expect(e.name).toBe("NotFound");
    expect(e.locale).toBe("en-US");
    expect(e.code).toBe(404001);
    expect(e.messages).toEqual({ "en-US": "No such thing", fr: "Rien" });
    expect(e.getMessage("fr")).toBe("E404:Rien");
    expect(() => e.getMessage("de")).toThrow(/No message in de/);
    expect(e.toJSON()).toEqual({ code: 404001, message: "E404:No such thing", name: "NotFound" });
    expect(new NotFound("de").message).toBe("");
  });

  it("resolves an alias among its own siblings at any depth", () => {
    const errors = generateErrors({
      Api: { User: { Missing: { code: 1, messages: { en: "gone" } } }, Member: { alias: "User" } },
    });
    expect(Object.keys(errors).sort()).toEqual(["ApiMemberMissing", "ApiUserMissing"]);
    expect(new errors.ApiMemberMissing("en").message).toBe("gone");
  });

  it("regression: string and number members (lang, prefix, status) do not send the generator into endless recursion", () => {
    const errors = generateErrors({
      lang: "en",
      Odd: { prefix: "P", status: 409, Deep: { code: 2, messages: { en: "deep" } } },
    });
    expect(Object.keys(errors)).toEqual(["OddDeep"]);
    expect(new errors.OddDeep().status).toBe(400);
  });
});
