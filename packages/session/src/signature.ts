import { createHmac, timingSafeEqual } from "node:crypto";

function mac(value: string, secret: string): string {
  return createHmac("sha256", secret).update(value).digest("base64url");
}

/** `value.signature`, signed with the first (current) secret. */
export function sign(value: string, secrets: readonly string[]): string {
  return `${value}.${mac(value, secrets[0])}`;
}

/**
 * The value of a signed string if any secret (current or retired) signed it, else
 * null. Signatures are compared in constant time.
 */
export function unsign(signed: string, secrets: readonly string[]): string | null {
  return verify(signed, secrets)?.value ?? null;
}

/** The value of a signed string and which of `secrets` signed it (0: the current one), or null. */
export function verify(signed: string, secrets: readonly string[]): { value: string; secret: number } | null {
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  for (let secret = 0; secret < secrets.length; secret++) {
    const expected = Buffer.from(mac(value, secrets[secret]));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { value, secret };
  }
  return null;
}
