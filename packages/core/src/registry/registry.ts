import "reflect-metadata";
import { AexError } from "../errors/aex-error";
import type { MethodKey, RouteDefinition, StepDefinition } from "./definitions";
import { LISTENERS_KEY, ROUTES_KEY, STEPS_KEY } from "./keys";

type Records<V> = Map<MethodKey, V[]>;

/**
 * The class's own map for `key`, created on first write as a copy of what it inherits,
 * so a subclass can add records without touching its parent's.
 */
function ownRecords<V>(key: symbol, prototype: object): Records<V> {
  let records = Reflect.getOwnMetadata(key, prototype) as Records<V> | undefined;
  if (records === undefined) {
    const inherited = Reflect.getMetadata(key, prototype) as Records<V> | undefined;
    records = new Map([...(inherited ?? [])].map(([method, list]) => [method, [...list]]));
    Reflect.defineMetadata(key, records, prototype);
  }
  return records;
}

function recordsOf<V>(key: symbol, Class: Function): ReadonlyMap<MethodKey, readonly V[]> {
  return (Reflect.getMetadata(key, Class.prototype) as Records<V> | undefined) ?? new Map();
}

/** Refuses decorators on static members or non-methods, where Aex would never see them. */
export function assertMethodTarget(target: object, key: MethodKey, descriptor?: PropertyDescriptor): void {
  if (typeof target === "function") {
    throw new AexError("AEX_ERR_DECORATOR_TARGET", `static member ${String(key)}`);
  }
  if (descriptor !== undefined && typeof descriptor.value !== "function") {
    throw new AexError("AEX_ERR_DECORATOR_TARGET", `${String(key)} is not a method`);
  }
}

/** Records a route for a controller method. Used by `@http`, `@rest`, `@serve`… */
export function addRoute(target: object, key: MethodKey, route: RouteDefinition): void {
  assertMethodTarget(target, key);
  const records = ownRecords<RouteDefinition>(ROUTES_KEY, target);
  records.set(key, [route, ...(records.get(key) ?? [])]);
}

/**
 * Records a step for a controller method. Decorators are applied bottom-up, so each
 * new step goes first: the written order, top to bottom, is the order steps run.
 */
export function addStep(target: object, key: MethodKey, step: StepDefinition): void {
  assertMethodTarget(target, key);
  const records = ownRecords<StepDefinition>(STEPS_KEY, target);
  records.set(key, [step, ...(records.get(key) ?? [])]);
}

/** Records that a controller method listens to `event` on the app's emitter. */
export function addListener(target: object, key: MethodKey, event: string | symbol): void {
  assertMethodTarget(target, key);
  const records = ownRecords<string | symbol>(LISTENERS_KEY, target);
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
