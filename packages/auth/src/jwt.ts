import { KeyObject } from "node:crypto";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { AexError, HttpError } from "@aex/core";
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

/** Each base64url character's value; -1 for any other character. */
const BASE64URL = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].entries()) {
  BASE64URL[c.charCodeAt(0)] = i;
}

/**
 * Whether `token[start, end)` is canonical base64url (RFC 7515 §2, RFC 4648 §3.5): only the
 * URL-safe alphabet, no padding, a length that encodes whole bytes, and the unused low bits
 * of the last character zero. Decoders accept the other spellings of the same bytes (`+/`,
 * `=`, other trailing bits); accepting one keeps a token one string, so a denylist or a
 * cache keyed by the token holds.
 */
function canonicalSegment(token: string, start: number, end: number): boolean {
  const length = end - start;
  if (length % 4 === 1) return false;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = token.charCodeAt(i);
    value = code < 128 ? BASE64URL[code] : -1;
    if (value === -1) return false;
  }
  // 2 characters left over carry 12 bits for one byte, 3 carry 18 for two: the rest must be 0.
  if (length % 4 === 2) return (value & 0x0f) === 0;
  if (length % 4 === 3) return (value & 0x03) === 0;
  return true;
}

/** Why a compact JWS is not in its one accepted spelling, or null when it is. */
function spellingProblem(token: string): string | null {
  const first = token.indexOf(".");
  const second = first === -1 ? -1 : token.indexOf(".", first + 1);
  if (second === -1 || token.indexOf(".", second + 1) !== -1) return "the token is malformed";
  if (
    canonicalSegment(token, 0, first) &&
    canonicalSegment(token, first + 1, second) &&
    canonicalSegment(token, second + 1, token.length)
  ) {
    return null;
  }
  // Base64 of some spelling (standard alphabet, padding, other trailing bits), or not at all.
  const decodable = token
    .split(".")
    .every((part) => /^[\w+/-]*=*$/.test(part) && part.replace(/=+$/, "").length % 4 !== 1);
  return decodable ? "the token is not canonical base64url" : "the token is malformed";
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
    const misspelled = spellingProblem(token);
    if (misspelled !== null) throw invalidToken(misspelled, realm, undefined, scheme);
    try {
      const { payload } = await jwtVerify(token, resolve, verifyOptions);
      return payload as AuthUser;
    } catch (error) {
      throw invalidToken(describe(error), realm, error, scheme);
    }
  };
}

/**
 * Verifies a compact JWT: its one spelling (each segment canonical base64url: no `+/`, no
 * `=`, unused bits zero), signature (the key chosen by `kid` when you give a key map or
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
