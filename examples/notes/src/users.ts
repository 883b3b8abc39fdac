import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/**
 * Demo accounts: the first login with a name creates the account; later logins must
 * give the same password. Passwords are kept as scrypt hashes.
 */
export class Users {
  private readonly hashes = new Map<string, { salt: Buffer; hash: Buffer }>();

  /** True if `password` opens `name`'s account (creating it on first use). */
  login(name: string, password: string): boolean {
    const known = this.hashes.get(name);
    if (known === undefined) {
      const salt = randomBytes(16);
      this.hashes.set(name, { salt, hash: scryptSync(password, salt, 32) });
      return true;
    }
    return timingSafeEqual(known.hash, scryptSync(password, known.salt, 32));
  }
}
