/** A route path as an AsyncAPI channel: its address, parameter names and a key for `channels`. */
export interface ChannelAddress {
  /** `/chat/:room/*` → `/chat/{room}/{wildcard}`; null for the catch-all `*` (any path: unknown). */
  readonly address: string | null;
  /** The parameters the address names, in order. */
  readonly names: readonly string[];
  /** `chat_room_wildcard`: letters, digits, `_` and `-`, as AsyncAPI's keys must be. */
  readonly key: string;
}

/** Letters, digits, `_` and `-`: what AsyncAPI allows in the keys of `channels`, `operations`, `messages`. */
export function toKey(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "_");
}

/** `base`, or `base_2`, `base_3`… whichever `taken` does not hold yet (then it does). */
export function uniqueKey(taken: Set<string>, base: string): string {
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  taken.add(key);
  return key;
}

/** The channel of a route path. */
export function channelAddress(path: string): ChannelAddress {
  if (!path.startsWith("/")) return { address: null, names: [], key: "any" };
  const names: string[] = [];
  const segments = path.split("/").map((segment) => {
    if (segment === "*" || segment.startsWith(":")) {
      const name = segment === "*" ? "wildcard" : segment.slice(1);
      names.push(name);
      return `{${name}}`;
    }
    return segment;
  });
  const words = path
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => (segment === "*" ? "wildcard" : segment.replace(/^:/, "")));
  return { address: segments.join("/"), names, key: toKey(words.join("_")) || "root" };
}
