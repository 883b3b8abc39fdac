import { KeyObject } from "node:crypto";
import { createLocalJWKSet, importJWK, type JWK, type JWTHeaderParameters, type KeyLike } from "jose";
import { AexError } from "@aex/core";

/** One key: an HMAC secret (string or bytes), a node `KeyObject` (RS/PS/ES/EdDSA), or a JWK. */
export type JwtKey = string | Uint8Array | KeyObject | JWK;

/**
 * The keys a token may be verified with: one key; a map from `kid` to key (rotation: add
 * the new key, sign with it, drop the old one once its tokens expired); or a JWKS
 * (`{ keys: [...] }`, each with its `kid`).
 */
export type JwtKeySet =
  | JwtKey
  | Readonly<Record<string, JwtKey>>
  | {
      /** The public keys of a JWKS document, each with its `kid`. */
      keys: JWK[];
    };

/** What jose accepts as a key. */
export type VerifyKey = KeyLike | Uint8Array;

/** Looks up the key for a token's header; throws when none fits. */
export type KeyResolver = (header: JWTHeaderParameters) => Promise<VerifyKey>;

const encoder = new TextEncoder();

function isJwk(value: object): value is JWK {
  return typeof (value as { kty?: unknown }).kty === "string";
}

function isJwks(value: object): value is { keys: JWK[] } {
  return Array.isArray((value as { keys?: unknown }).keys);
}

/** A usable key, from a secret string, bytes, KeyObject or JWK. */
export async function toKey(key: JwtKey, alg: string): Promise<VerifyKey> {
  if (typeof key === "string") return encoder.encode(key);
  if (key instanceof Uint8Array || key instanceof KeyObject) return key;
  if (isJwk(key)) return importJWK(key, alg);
  throw new AexError("AEX_ERR_GUARD_OPTIONS", "a JWT key must be a secret, a KeyObject or a JWK");
}

function checkKey(key: unknown, where: string): void {
  const ok =
    (typeof key === "string" && key.length > 0) ||
    key instanceof Uint8Array ||
    key instanceof KeyObject ||
    (typeof key === "object" && key !== null && isJwk(key));
  if (!ok) throw new AexError("AEX_ERR_GUARD_OPTIONS", `${where} is not a JWT key`);
  if (typeof key === "string" && key.length < 32) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", `${where}: an HMAC secret needs at least 32 characters`);
  }
}

/**
 * Turns a key set into a resolver, once (at `auth()`), so a request only looks a key up.
 * An unknown `kid` is an error: a token must name a key you still trust.
 */
export function keyResolver(keys: JwtKeySet): KeyResolver {
  if (keys === null || keys === undefined) throw new AexError("AEX_ERR_GUARD_OPTIONS", "JWT keys are required");
  if (typeof keys === "string" || keys instanceof Uint8Array || keys instanceof KeyObject || isJwk(keys)) {
    checkKey(keys, "the JWT key");
    const single = keys;
    return (header) => toKey(single, header.alg);
  }
  if (isJwks(keys)) return createLocalJWKSet(keys) as KeyResolver;
  const map = new Map(Object.entries(keys as Record<string, JwtKey>));
  if (map.size === 0) throw new AexError("AEX_ERR_GUARD_OPTIONS", "the JWT key map is empty");
  for (const [kid, key] of map) checkKey(key, `the JWT key "${kid}"`);
  const imported = new Map<string, Promise<VerifyKey>>();
  return async (header) => {
    const key = header.kid === undefined ? undefined : map.get(header.kid);
    if (key === undefined) throw new UnknownKidError();
    const cacheKey = `${header.kid}\u0000${header.alg}`;
    let found = imported.get(cacheKey);
    if (found === undefined) imported.set(cacheKey, (found = toKey(key, header.alg)));
    return found;
  };
}

/** No trusted key has the token's `kid`. */
export class UnknownKidError extends Error {
  readonly code = "ERR_JWKS_NO_MATCHING_KEY";
  constructor() {
    super("no key matches the token's kid");
  }
}
