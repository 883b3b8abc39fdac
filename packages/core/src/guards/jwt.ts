import { KeyObject } from "node:crypto";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import type { AuthUser } from "./auth-user";
import { keyResolver, toKey, type JwtKey, type JwtKeySet } from "./jwt-keys";

/** Options of {@link signJwt}. */
export interface SignJwtOptions {
  /** Algorithm; default HS256 for secrets, else RS256, ES256/384/512 (by curve) or EdDSA by key type. */
  alg?: string;
  /** Key id written in the header, for rotation. */
  kid?: string;
  /** Lifetime: seconds, or a jose time span (`"15m"`, `"2h"`). */
  expiresIn?: number | string;
  /** Not valid before: seconds from now, or a jose time span. */
  notBefore?: number | string;
  /** The `iss` claim. */
  issuer?: string;
  /** The `aud` claim. */
  audience?: string | string[];
  /** The `sub` claim. */
  subject?: string;
}

/** Options of {@link verifyJwt} and `@auth`. */
export interface VerifyJwtOptions {
  /** Algorithms accepted (never `none`). Default: every HS, RS, PS, ES and EdDSA one that fits the key. */
  algorithms?: string[];
  /** Required `iss`. */
  issuer?: string | string[];
  /** Required `aud` (one of). */
  audience?: string | string[];
  /** Seconds of clock difference tolerated for `exp` and `nbf`. Default 0. */
  clockTolerance?: number;
  /** Oldest `iat` accepted: seconds, or a time span (`"1h"`). */
  maxTokenAge?: number | string;
  /** Claims that must be present, e.g. `["sub"]`. */
  requiredClaims?: string[];
}

const ALGORITHMS = [
  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
]; // prettier-ignore

/** Longest token accepted; anything longer is refused before parsing. */
export const MAX_TOKEN_LENGTH = 8192;

function defaultAlg(key: JwtKey): string {
  if (typeof key === "string" || key instanceof Uint8Array) return "HS256";
  if (key instanceof KeyObject) {
    if (key.type === "secret") return "HS256";
    const type = key.asymmetricKeyType;
    if (type === "ed25519" || type === "ed448") return "EdDSA";
    if (type === "ec") {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === "secp384r1" ? "ES384" : curve === "secp521r1" ? "ES512" : "ES256";
    }
    return type === "rsa-pss" ? "PS256" : "RS256";
  }
  if (typeof key.alg === "string") return key.alg;
  throw new AexError("AEX_ERR_GUARD_OPTIONS", "signJwt needs options.alg for this JWK");
}

/**
 * Signs `claims` into a compact JWT with `iat` set. Pick the key by type: a secret of at
 * least 32 characters (HS256), or a private `KeyObject`/JWK (RS, PS, ES, EdDSA).
 *
 * @example
 * const token = await signJwt({ sub: "alice", roles: ["admin"] }, process.env.JWT_SECRET!, { expiresIn: "15m" });
 */
export async function signJwt(
  claims: JWTPayload & Record<string, unknown>,
  key: JwtKey,
  options: SignJwtOptions = {},
): Promise<string> {
  const alg = options.alg ?? defaultAlg(key);
  const jwt = new SignJWT(claims)
    .setProtectedHeader(options.kid === undefined ? { alg, typ: "JWT" } : { alg, kid: options.kid, typ: "JWT" })
    .setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(timeFromNow(options.expiresIn));
  if (options.notBefore !== undefined) jwt.setNotBefore(timeFromNow(options.notBefore));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  return jwt.sign(await toKey(key, alg));
}

function timeFromNow(span: number | string): number | string {
  return typeof span === "number" ? Math.floor(Date.now() / 1000) + span : span;
}

/** The RFC 6750 `error_description` for a failed verification (quoted-string safe). */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the ${error.claim} claim is invalid`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return "the algorithm is not accepted";
  }
  if ((error as { code?: unknown }).code === "ERR_JWKS_NO_MATCHING_KEY") return "no trusted key matches the token";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "the token is malformed";
  return "the token is invalid";
}

/** The 401 of a token that failed, with its RFC 6750 challenge (`scheme`: the one `@auth` reads). */
export function invalidToken(description: string, realm: string, cause?: unknown, scheme = "Bearer"): HttpError {
  return new HttpError(401, `Invalid token: ${description}`, {
    code: "AEX_AUTH_INVALID_TOKEN",
    headers: {
      "WWW-Authenticate": `${scheme} realm="${realm}", error="invalid_token", error_description="${description}"`,
    },
    cause,
  });
}

/**
 * A verifier built once from keys and options; each call verifies one token. `realm`
 * (default `"api"`) and `scheme` (default `"Bearer"`) make the challenge of its 401.
 */
export type JwtVerifier = (token: string, realm?: string, scheme?: string) => Promise<AuthUser>;

/**
 * Builds a verifier once (keys imported lazily and cached), for `@auth` and for your own
 * checks (a WebSocket handshake…). A failure throws a 401 `HttpError`
 * (`AEX_AUTH_INVALID_TOKEN`) carrying the `WWW-Authenticate` challenge.
 *
 * @example
 * const verify = jwtVerifier({ current: newSecret, previous: oldSecret }, { issuer: "https://id.example" });
 * const claims = await verify(token);
 */
export function jwtVerifier(keys: JwtKeySet, options: VerifyJwtOptions = {}): JwtVerifier {
  const resolve = keyResolver(keys);
  const algorithms = options.algorithms ?? ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => a.toLowerCase() === "none")) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "JWT algorithms must be a non-empty list without none");
  }
  const verifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockTolerance ?? 0,
    maxTokenAge: options.maxTokenAge,
    requiredClaims: options.requiredClaims,
  };
  return async (token, realm = "api", scheme = "Bearer") => {
    if (token === "") throw invalidToken("the token is empty", realm, undefined, scheme);
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH)
      throw invalidToken("the token is malformed", realm, undefined, scheme);
    try {
      const { payload } = await jwtVerify(token, resolve, verifyOptions);
      return payload as AuthUser;
    } catch (error) {
      throw invalidToken(describe(error), realm, error, scheme);
    }
  };
}

/**
 * Verifies a compact JWT: signature (the key chosen by `kid` when you give a key map or
 * JWKS), algorithm allow-list (`alg: none` never passes), `exp`/`nbf` with `clockTolerance`,
 * `iss` and `aud`. Resolves to the claims; throws a 401 `HttpError` otherwise. For many
 * calls with the same keys, build a {@link jwtVerifier} once.
 *
 * @example
 * const claims = await verifyJwt(token, process.env.JWT_SECRET!, { audience: "api" });
 */
export function verifyJwt(token: string, keys: JwtKeySet, options: VerifyJwtOptions = {}): Promise<AuthUser> {
  return jwtVerifier(keys, options)(token);
}
