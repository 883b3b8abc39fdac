import { signJwt, verifyJwt } from "@aex/auth";

const keys = {
  "2025-06": "the-previous-secret-kept-until-its-tokens-expire",
  "2025-12": "the-current-secret-that-signs-every-new-token!!",
};

export async function rotate(): Promise<string[]> {
  const older = await signJwt({ sub: "bob" }, keys["2025-06"], { kid: "2025-06", expiresIn: "1h" });
  const newer = await signJwt({ sub: "carol" }, keys["2025-12"], { kid: "2025-12", expiresIn: "1h" });
  const claims = await Promise.all([verifyJwt(older, keys), verifyJwt(newer, keys)]);
  return claims.map((claim) => String(claim.sub));
}

describe("docs/auth.md: key rotation by kid", () => {
  it("verifies tokens of both keys", async () => {
    expect(await rotate()).toEqual(["bob", "carol"]);
  });
});
