import { METADATA } from "./metadata-symbol";
import { AexError } from "../errors/aex-error";
import type { MethodKey, RouteDefinition, StepDefinition } from "./definitions";
import { LISTENERS_KEY, ROUTES_KEY, STEPS_KEY } from "./keys";

type Records<V> = Map<MethodKey, V[]>;
type Holder = Record<symbol, Records<unknown> | undefined>;

/**
 * The holder's own map for `key`, created on first write as a copy of what it inherits.
 * A holder is a class's prototype (legacy decorators) or its decorator metadata object
 * (standard decorators); both inherit from their parent class's, so a subclass sees its
 * parent's records and can add its own without touching them.
 */
function ownRecords<V>(key: symbol, holder: object): Records<V> {
  const records = holder as Holder;
  if (Object.prototype.hasOwnProperty.call(holder, key)) return records[key] as Records<V>;
  const inherited = records[key] as Records<V> | undefined;
  const own: Records<V> = new Map([...(inherited ?? [])].map(([method, list]) => [method, [...list]]));
  Object.defineProperty(holder, key, { value: own, configurable: true });
  return own;
}

/** A class's records: those of its standard decorators' metadata and of its prototype. */
function recordsOf<V>(key: symbol, Class: Function): ReadonlyMap<MethodKey, readonly V[]> {
  const metadata = (Class as unknown as Record<symbol, Holder | null | undefined>)[METADATA];
  const standard = metadata?.[key] as Records<V> | undefined;
  const legacy = (Class.prototype as Holder | undefined)?.[key] as Records<V> | undefined;
  if (standard === undefined) return legacy ?? new Map();
  if (legacy === undefined) return standard;
  return new Map([...legacy, ...standard]);
}

/**
 * Refuses a legacy decorator's target that Aex would never see: a static member, or a
 * member that is not a method. Standard decorators are checked by `methodDecorator`.
 */
export function assertMethodTarget(target: object, key: MethodKey, descriptor?: PropertyDescriptor): void {
  if (typeof target === "function") {
    throw new AexError("AEX_ERR_DECORATOR_TARGET", `static member ${target.name}.${String(key)}`);
  }
  if (descriptor !== undefined && typeof descriptor.value !== "function") {
    throw new AexError("AEX_ERR_DECORATOR_TARGET", `${target.constructor.name}.${String(key)} is not a method`);
  }
}

/**
 * Records a route for a controller method. Used by `@http`, `@rest`, `@serve`…
 * `holder` is what {@link methodDecorator} passes on: a prototype or a metadata object.
 */
export function addRoute(holder: object, key: MethodKey, route: RouteDefinition): void {
  assertMethodTarget(holder, key);
  const records = ownRecords<RouteDefinition>(ROUTES_KEY, holder);
  records.set(key, [route, ...(records.get(key) ?? [])]);
}

/**
 * Records a step for a controller method. Decorators are applied bottom-up, so each
 * new step goes first: the written order, top to bottom, is the order steps run.
 */
export function addStep(holder: object, key: MethodKey, step: StepDefinition): void {
  assertMethodTarget(holder, key);
  const records = ownRecords<StepDefinition>(STEPS_KEY, holder);
  records.set(key, [step, ...(records.get(key) ?? [])]);
}

/** Records that a controller method listens to `event` on the app's emitter. */
export function addListener(holder: object, key: MethodKey, event: string | symbol): void {
  assertMethodTarget(holder, key);
  const records = ownRecords<string | symbol>(LISTENERS_KEY, holder);
  records.set(key, [...(records.get(key) ?? []), event]);
}

/** The routes of a class by method name, inherited ones included. */
export function routesOf(Class: Function): ReadonlyMap<MethodKey, readonly RouteDefinition[]> {
  return recordsOf<RouteDefinition>(ROUTES_KEY, Class);
}

/** The steps of one method of a class, in running order. */
export function stepsOf(Class: Function, key: MethodKey): readonly StepDefinition[] {
  return recordsOf<StepDefinition>(STEPS_KEY, Class).get(key) ?? [];
}

/** The events each method of a class listens to. */
export function listenersOf(Class: Function): ReadonlyMap<MethodKey, readonly (string | symbol)[]> {
  return recordsOf<string | symbol>(LISTENERS_KEY, Class);
}

/**
 * Records any other kind of per-method data (`kind` is a registered symbol naming it), for
 * packages that document or configure methods without adding steps (e.g. `@returns`).
 * Records are kept in written order, top to bottom, like steps.
 */
export function addRecord<V>(kind: symbol, holder: object, key: MethodKey, value: V): void {
  assertMethodTarget(holder, key);
  const records = ownRecords<V>(kind, holder);
  records.set(key, [value, ...(records.get(key) ?? [])]);
}

/** The records of `kind` of a class by method name, inherited ones included. */
export function recordsOfKind<V>(kind: symbol, Class: Function): ReadonlyMap<MethodKey, readonly V[]> {
  return recordsOf<V>(kind, Class);
}
