import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { NotesDatabase } from "./database/tables";

const hashOf = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

/**
 * Demo accounts: the first login with a name creates the account; later logins must give
 * the same password. True if `password` opens `name`'s account. Passwords are kept as
 * scrypt hashes.
 */
export async function logIn(db: NotesDatabase, name: string, password: string): Promise<boolean> {
  let account = await db.selectFrom("users").select(["salt", "hash"]).where("name", "=", name).executeTakeFirst();
  if (account === undefined) {
    const salt = randomBytes(16);
    const hash = await hashOf(password, salt, 32);
    const created = await db
      .insertInto("users")
      .values({ name, salt: salt.toString("hex"), hash: hash.toString("hex") })
      .onConflict((conflict) => conflict.column("name").doNothing())
      .executeTakeFirst();
    if (Number(created.numInsertedOrUpdatedRows ?? 0) === 1) return true;
    // Another login made the account first: check against its password.
    account = await db.selectFrom("users").select(["salt", "hash"]).where("name", "=", name).executeTakeFirstOrThrow();
  }
  const hash = await hashOf(password, Buffer.from(account.salt, "hex"), 32);
  return timingSafeEqual(Buffer.from(account.hash, "hex"), hash);
}
