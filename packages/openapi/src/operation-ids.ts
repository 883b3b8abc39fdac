import type { RouteInfo } from "@aex/core/plugin";
import { openapiSetupError } from "./errors";

/** One operation of the document, in document order, with the id `@operationId` gave its method. */
export interface OperationSeed {
  /** The route the operation documents. */
  readonly route: RouteInfo;
  /** Its `@operationId`, if any. */
  readonly explicit?: string;
}

/** The words of a name: `list_articles`, `listArticles` and `ListArticles` alike give `list`, `articles`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "");
}

const upperFirst = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `list_articles` → `listArticles`; a name with no letter or digit, or starting with a digit, gets `op` before it. */
export function camelCase(name: string): string {
  const out = words(name)
    .map((word, i) => (i === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : upperFirst(word)))
    .join("");
  return /^[A-Za-z_]/.test(out) ? out : `op${upperFirst(out)}`;
}

/** `new article` → `NewArticle`: a name for `components.schemas` or a type. */
export function pascalCase(name: string): string {
  return upperFirst(camelCase(name));
}

/** `ArticlesController` → `articles`: what qualifies a method name shared by two controllers. */
function controllerWord(name: string): string {
  const base = name.replace(/Controller$/, "");
  return camelCase(base === "" ? name : base);
}

/** Where a route is, for a setup error: `Articles.list (GET /articles)`. */
const where = ({ route }: OperationSeed) => `${route.controller}.${route.handler} (${route.method} ${route.path})`;

/**
 * The operationIds of a document's operations, in their order. An `@operationId` is used as
 * given (a method with several operations numbers the others: `getUser`, `getUser2`); two
 * methods given the same one throw `AEX_ERR_OPENAPI_OPERATION_ID`. The default is the method's
 * name in camelCase (`listArticles`), with the verb before it when the method has operations
 * of several verbs (`@rest`: `getUser`, `putUser`…); defaults that two methods share, or that
 * an `@operationId` took, get their controller's name before them (`articlesList`,
 * `commentsList`), then a number if they still clash.
 */
export function operationIds(seeds: readonly OperationSeed[]): string[] {
  // The operations of each method (a class's handler), in order.
  const groups = new Map<string, number[]>();
  seeds.forEach((seed, i) => {
    const key = `${seed.route.controller}\0${seed.route.handler}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  const ids: string[] = new Array<string>(seeds.length);
  const explicitOwner = new Map<string, number>();
  const defaults: number[] = [];
  for (const group of groups.values()) {
    const explicit = seeds[group[0]].explicit;
    const verbs = new Set(group.map((i) => seeds[i].route.method));
    const taken = new Map<string, number>();
    for (const i of group) {
      const { route } = seeds[i];
      const base =
        explicit ??
        (verbs.size > 1 ? camelCase(`${route.method.toLowerCase()} ${route.handler}`) : camelCase(route.handler));
      const n = (taken.get(base) ?? 0) + 1;
      taken.set(base, n);
      ids[i] = n === 1 ? base : `${base}${n}`;
      if (explicit === undefined) {
        defaults.push(i);
        continue;
      }
      const owner = explicitOwner.get(ids[i]);
      if (owner !== undefined) {
        throw openapiSetupError(
          "AEX_ERR_OPENAPI_OPERATION_ID",
          `@operationId("${ids[i]}") is given to ${where(seeds[owner])} and ${where(seeds[i])}: each operationId must be unique`,
        );
      }
      explicitOwner.set(ids[i], i);
    }
  }
  // A default that another operation has too is qualified by its controller.
  const count = new Map<string, number>();
  for (const i of defaults) count.set(ids[i], (count.get(ids[i]) ?? 0) + 1);
  for (const i of defaults) {
    if (count.get(ids[i]) === 1 && !explicitOwner.has(ids[i])) continue;
    ids[i] = `${controllerWord(seeds[i].route.controller)}${upperFirst(ids[i])}`;
  }
  // Still the same (two classes of one name, or a default that met an id of this kind): numbered, in order.
  const used = new Set(explicitOwner.keys());
  for (const i of defaults) {
    let id = ids[i];
    for (let n = 2; used.has(id); n++) id = `${ids[i]}${n}`;
    ids[i] = id;
    used.add(id);
  }
  return ids;
}
