import { toStep } from "../pipeline/to-step";
import type { Step } from "../pipeline/types";

/**
 * The methods a client may call by name on a controller: functions of the class's own
 * prototype chain, except `constructor`, names starting with `_`, and anything
 * `Object.prototype` has. Collected once, at prepare time, so a request's name is only
 * ever looked up in this map.
 */
export function callableMethods(instance: object, compact: boolean): Map<string, Step> {
  const steps = new Map<string, Step>();
  for (
    let proto = Object.getPrototypeOf(instance);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (steps.has(name) || name === "constructor" || name.startsWith("_") || name in Object.prototype) continue;
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (typeof value === "function") steps.set(name, toStep(value, instance, compact));
    }
  }
  return steps;
}
