// @aex/session peers on redis "^5 || ^6": the store a user builds from a client of either
// major keeps sessions in a real redis-server, over real HTTP. The devDependency `redis` is 6
// (what `npm i redis` installs today, and what the rest of the suite runs on); `redis5` is the
// alias npm:redis@^5, the older major the peer range still accepts.
import { Aex, get, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { session } from "@aex/session";
import { RedisStore, type RedisLike } from "@aex/session/redis";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createClient as createClient6 } from "redis";
import { createClient as createClient5 } from "redis5";
import { listen } from "../../core/test/support/http";
import { CookieJar } from "./support/cookie-jar";
import { startRedis, type RedisServer } from "./support/redis-server";

const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(dirname(require.resolve(name)), "..", "package.json"), "utf8")) as { version: string })
    .version;

const MAJORS = [
  { name: "redis", major: 6, connect: (url: string) => createClient6({ url }) as unknown as RedisLike },
  { name: "redis5", major: 5, connect: (url: string) => createClient5({ url }) as unknown as RedisLike },
];

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe.each(MAJORS)("RedisStore on a node-redis $major client ($name)", ({ name, major, connect }) => {
  it("is the major the peer range names", () => {
    expect(Number(versionOf(name).split(".")[0])).toBe(major);
  });

  it("keeps a session across requests, and forgets it on logout", async () => {
    const client = connect(redis.url);
    const store = new RedisStore(client, { prefix: `aex:majors:${major}:` });
    class Account {
      @post("/login")
      @session(store, { secret: "redis majors" })
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = `alice-${major}`;
        res.end("in");
      }

      @get("/me")
      @session(store, { secret: "redis majors" })
      me(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ user: scope.session.user ?? null });
      }

      @post("/logout")
      @session(store, { secret: "redis majors" })
      async logout(_req: AexRequest, res: AexResponse, scope: Scope) {
        await scope.session.destroy();
        res.end("out");
      }
    }
    const aex = new Aex({ logger: false, handleSignals: false }).push(Account);
    aex.onClose(() => store.close());
    const jar = new CookieJar(await listen(aex));
    try {
      const login = await jar.send("POST", "/login");
      expect([login.status, login.text]).toEqual([200, "in"]);
      const me = await jar.send("GET", "/me");
      expect(me.status).toBe(200);
      expect(me.headers["content-type"]).toMatch(/^application\/json/);
      expect(me.json()).toEqual({ user: `alice-${major}` });
      const out = await jar.send("POST", "/logout");
      expect([out.status, out.text]).toEqual([200, "out"]);
      const after = await jar.send("GET", "/me");
      expect([after.status, after.json()]).toEqual([200, { user: null }]);
    } finally {
      await aex.close();
      // The store leaves a client it was given open: its owner closes it.
      await client.close?.();
    }
  });
});
