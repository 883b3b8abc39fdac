import type { Aex } from "../app/aex";
import { Cache } from "./cache";

// Each app's cache, made on first use; keyed by the app so two apps never share one.
const caches = new WeakMap<Aex, Cache>();

/**
 * The cache `@cache` routes of `app` use: the one given to {@link useCache}, or a memory
 * cache made on first use.
 */
export function cacheOf(app: Aex): Cache {
  let cache = caches.get(app);
  if (cache === undefined) {
    caches.set(app, (cache = new Cache()));
    app.onClose(() => cache?.close());
  }
  return cache;
}

/**
 * Makes `cache` the app's cache (for `@cache` routes and `cacheOf(app)`); it is closed
 * with the app.
 *
 * @example
 * useCache(aex, new Cache(new RedisCacheStore(client)));
 */
export function useCache(app: Aex, cache: Cache): Cache {
  caches.set(app, cache);
  app.onClose(() => cache.close());
  return cache;
}
