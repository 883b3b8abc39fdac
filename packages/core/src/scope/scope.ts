import type { Logger } from "pino";
import type { EventEmitter } from "node:events";
import debug from "debug";
import type { QueryValues, RouteParams } from "../http/request";
import { AexError } from "../errors/aex-error";
import { ScopeTime } from "./scope-time";

/* eslint-disable @typescript-eslint/no-explicit-any -- the containers hold whatever
   the user's steps put in them, so their value types cannot be known here. */

/** A logger of the `debug` package for one namespace: prints when `DEBUG` names it. */
export interface DebugLogger {
  (formatter: unknown, ...args: unknown[]): void;
  /** Whether `DEBUG` names this logger's namespace. */
  readonly enabled: boolean;
}

/** The `debug` package's factory, as `scope.debug` gives it (declared here: an app's types need no `@types/debug`). */
export type DebugFactory = (namespace: string) => DebugLogger;

/** A bag of user data. */
export type ScopeBag = Record<string, any>;

/** One uploaded file, as `@formdata()` stores it in `scope.files[field]`. */
export interface UploadedFile {
  /** Path of the temporary file holding the upload. */
  temp: string;
  /** The client's file name (never used to choose where the file is written). */
  filename: string;
  /** The part's transfer encoding, as the client sent it (`7bit`, `binary`…). */
  encoding: string;
  /** The file's media type, as the client sent it (not checked against its content). */
  mimetype: string;
  /** Size in bytes. */
  size: number;
}

/** `scope.pagination`, filled by the `paginate()` helper. */
export interface Pagination {
  /** The page asked for, from 1. */
  page: number;
  /** Items per page. */
  limit: number;
  /** Items before the page: `(page - 1) * limit`. */
  offset: number;
}

/**
 * The state one Aex app shares with every request's scope: `scope.outer`/`global`,
 * `scope.orm` and `scope.emitter`.
 */
export interface SharedScope {
  /** Data shared by all requests: `scope.outer`/`scope.global` (`aex.global`). */
  readonly outer: ScopeBag;
  /** ORM objects shared by all requests: `scope.orm` (`aex.orm`). */
  readonly orm: ScopeBag;
  /** The app's emitter: `scope.emitter` (`aex.emitter`). */
  readonly emitter: EventEmitter;
  /** The app's logger, parent of every `scope.log`. */
  readonly log?: Logger;
}

/**
 * The slots a step may fill with {@link Scope.provide}. Users read them as `scope.body`,
 * `scope.params`…; nobody can reassign them. Packages add theirs by declaration merging
 * (a package adds its own), together with the matching `Scope` member, and make
 * it readable with {@link Scope.defineSlot}.
 *
 * @example
 * declare module "@aex/core" {
 *   interface ScopeSlots { tenant: Tenant }
 *   interface Scope { readonly tenant: Tenant | undefined }
 * }
 * Scope.defineSlot("tenant");
 */
export interface ScopeSlots {
  /** The parsed query string (`@query`). */
  query: QueryValues;
  /** The route's parameters, decoded. */
  params: RouteParams;
  /** The parsed body (`@body`, `@formdata`'s fields). */
  body: unknown;
  /** Uploaded files by field (`@formdata`). */
  files: Record<string, UploadedFile[]>;
  /** Errors `@error` made, by name. */
  error: Record<string, any>;
  /** Data that passed `@filter()`. */
  extracted: {
    /** The body's checked fields. */
    body?: any;
    /** The query's checked fields. */
    query?: any;
    /** The route parameters' checked values. */
    params?: any;
  };
  /** `paginate()`'s page, limit and offset. */
  pagination: Pagination;
}

/**
 * The per-request carrier of the Web Straight Line, passed as the third argument of
 * every step and handler. Its built-in attributes are read-only (assigning one throws
 * in strict code); their containers are created on first read. Per-request data of your
 * own goes in `scope.inner` (alias `local`); a plugin adds a typed slot of its own by
 * declaration merging ({@link ScopeSlots}), as `@auth` adds `scope.user`.
 *
 * @example
 * aex.use(async (req, res, scope) => {
 *   scope.inner.requestId = crypto.randomUUID(); // per request
 *   scope.outer.hits = (scope.outer.hits ?? 0) + 1; // shared by all requests
 * });
 */
export class Scope {
  private _time?: ScopeTime;
  private _inner?: ScopeBag;
  private _slots?: Partial<ScopeSlots>;
  private _log?: Logger;

  /**
   * @param _shared What the app shares with every request.
   * @param _startedAt When the request started (ms since the epoch).
   * @param _res The response, for its CSP nonce.
   * @param requestId This request's id (`req.id`): the trusted `X-Request-Id`, or a generated one.
   */
  constructor(
    private readonly _shared: SharedScope,
    private readonly _startedAt: number = Date.now(),
    private _res: { readonly nonce: string } | null = null,
    readonly requestId: string = "",
  ) {}

  /**
   * A logger bound to this request's id (a pino child of `app.log`), made on first
   * use: a request that does not log pays nothing for it.
   *
   * @example
   * scope.log.info({ user: id }, "user created"); // {"reqId":"k3x9q2-1f", "user": 7, …}
   */
  get log(): Logger {
    if (this._log !== undefined) return this._log;
    const parent = this._shared.log;
    // Only a scope made outside an app has no parent logger.
    if (parent === undefined) return undefined as unknown as Logger;
    return (this._log = parent.child({ reqId: this.requestId }));
  }

  /** The response's CSP nonce, made on first read (`res.nonce`); undefined outside an HTTP request. */
  get nonce(): string | undefined {
    return this._res?.nonce;
  }

  /**
   * @internal The request is no HTTP request any more (an upgraded WebSocket): the scope, kept
   * for the connection's life, lets the upgrade's response go (issue 29: ~1 KB per idle
   * connection); `nonce` is undefined from now on.
   */
  releaseResponse(): void {
    this._res = null;
  }

  /** `started` (a Date) and `passed` (milliseconds) of this request. */
  get time(): ScopeTime {
    return (this._time ??= new ScopeTime(this._startedAt));
  }

  /** Data shared by all requests of the app. Alias: `global`. */
  get outer(): ScopeBag {
    return this._shared.outer;
  }

  /** Alias of {@link Scope.outer}. */
  get global(): ScopeBag {
    return this._shared.outer;
  }

  /** Data of this request only. Alias: `local`. */
  get inner(): ScopeBag {
    return (this._inner ??= {});
  }

  /** Alias of {@link Scope.inner}. */
  get local(): ScopeBag {
    return (this._inner ??= {});
  }

  /** The parsed query (`@query()`). */
  get query(): QueryValues {
    return this.slot("query");
  }

  /** The route parameters, percent-decoded. */
  get params(): RouteParams {
    return this.slot("params");
  }

  /** The parsed body (`@body()`, `@formdata()`): `unknown` until a schema or {@link RouteScope} says what it is. */
  get body(): unknown {
    return this.slot("body");
  }

  /** Uploaded files by field name (`@formdata()`). */
  get files(): Record<string, UploadedFile[]> {
    return this.slot("files");
  }

  /** Generated error classes (`@error()`). */
  get error(): Record<string, any> {
    return this.slot("error");
  }

  /** Data that passed `@filter()`: `extracted.body`, `.query`, `.params`. */
  get extracted(): ScopeSlots["extracted"] {
    return this.slot("extracted");
  }

  /** `{ page, limit, offset }` from the `paginate()` helper. */
  get pagination(): Pagination | undefined {
    return this._slots?.pagination;
  }

  /** Objects of your ORM, shared by all requests (`aex.orm.prisma = client`). */
  get orm(): ScopeBag {
    return this._shared.orm;
  }

  /** The app's event emitter (`new Aex(emitter)`), as `@listen` uses it. */
  get emitter(): EventEmitter {
    return this._shared.emitter;
  }

  /** The `debug` package: `scope.debug("app:users")("created %s", id)`. */
  get debug(): DebugFactory {
    return debug;
  }

  /**
   * Fills a built-in slot. For step authors (parsers, plugins); handlers
   * read the slot through its getter.
   */
  provide<K extends keyof ScopeSlots>(slot: K, value: ScopeSlots[K]): void {
    (this._slots ??= {})[slot] = value;
  }

  /**
   * Makes `scope[name]` a read-only view of the slot `name` (undefined until a step
   * provides it). For packages that add a slot; defining the same one again is a no-op.
   */
  static defineSlot(name: keyof ScopeSlots & string): void {
    const existing = Object.getOwnPropertyDescriptor(Scope.prototype, name);
    if (existing !== undefined) {
      if (existing.get?.name === "slotReader") return;
      throw new AexError("AEX_ERR_PLUGIN_HELPER_TAKEN", `scope.${name}`);
    }
    Object.defineProperty(Scope.prototype, name, {
      configurable: true,
      get: function slotReader(this: Scope) {
        return this._slots?.[name];
      },
    });
  }

  private slot<K extends "query" | "params" | "body" | "files" | "error" | "extracted">(slot: K): ScopeSlots[K] {
    const slots = (this._slots ??= {});
    return (slots[slot] ??= {} as ScopeSlots[K]) as ScopeSlots[K];
  }
}
