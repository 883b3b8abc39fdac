import { AexError } from "../errors/aex-error";
import type { MethodKey } from "./definitions";
import { assertMethodTarget } from "./registry";

/**
 * A decorator for controller methods that works under TC39 standard decorators (the
 * TypeScript 5 default, Babel `2023-11`, esbuild, Bun) and legacy ones
 * (`experimentalDecorators`, Babel legacy), with the same behaviour.
 */
export interface AexMethodDecorator {
  /**
   * Standard decorators: the method and its context.
   *
   * @typeParam This The controller class.
   * @typeParam Value The decorated method.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method shape may be decorated
  <This, Value extends (this: This, ...args: any) => any>(
    value: Value,
    context: ClassMethodDecoratorContext<This, Value>,
  ): void;
  /** Legacy decorators: the prototype, the method's name and its descriptor. */
  (target: object, key: string | symbol, descriptor?: PropertyDescriptor): void;
}

/** What records a decorator's meaning: `holder` goes to `addRoute`, `addStep` or `addListener`. */
export type Recorder = (holder: object, key: MethodKey) => void;

/** A standard decorator's context, recognised by shape: it is what tells the two modes apart. */
export function isDecoratorContext(value: unknown): value is DecoratorContext {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === "string" &&
    typeof (value as { addInitializer?: unknown }).addInitializer === "function"
  );
}

function refuse(where: string): never {
  throw new AexError("AEX_ERR_DECORATOR_TARGET", where);
}

/** Checks a standard decorator's context and returns the holder to record into. */
function standardHolder(context: DecoratorContext): object {
  const name = String(context.name);
  if (context.kind === "class") refuse(`class ${name} (decorate its methods)`);
  if (context.kind !== "method") refuse(`${context.kind} ${name} is not a method`);
  if (context.private) refuse(`private method ${name} (Aex calls methods by name)`);
  if (context.static) {
    // The class's name is only known once it exists: static initializers run as it is defined.
    context.addInitializer(function (this: unknown) {
      refuse(`static member ${(this as Function).name}.${name}`);
    });
    return {};
  }
  if (context.metadata === undefined || context.metadata === null) {
    throw new AexError("AEX_ERR_DECORATOR_METADATA", `method ${name}`);
  }
  return context.metadata;
}

/**
 * Turns a recorder into a method decorator for both decorator modes. The mode is read
 * from the call: `(value, context)` is standard, `(prototype, key, descriptor)` legacy.
 * Misuse (a field, getter, static or private member, a class) throws a coded setup error.
 *
 * @example
 * function audited(label: string) {
 *   return methodDecorator((holder, key) =>
 *     addStep(holder, key, { name: "audited", build: () => (req) => console.log(label, req.url) }),
 *   );
 * }
 * class Orders { @get("/orders") @audited("orders") list(req, res) { res.json([]); } }
 */
export function methodDecorator(record: Recorder): AexMethodDecorator {
  return function decorate(target: unknown, context: unknown, descriptor?: PropertyDescriptor): void {
    if (isDecoratorContext(context)) {
      record(standardHolder(context), context.name as MethodKey);
      return;
    }
    if (typeof context !== "string" && typeof context !== "symbol") {
      const name = typeof target === "function" ? target.name : typeof target;
      refuse(`class ${name} (decorate its methods)`);
    }
    const owner = target as object;
    assertMethodTarget(owner, context, descriptor);
    if (descriptor === undefined) refuse(`${owner.constructor.name}.${String(context)} is a field, not a method`);
    record(owner, context);
  } as AexMethodDecorator;
}
