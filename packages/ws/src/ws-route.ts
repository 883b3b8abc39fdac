import { AexError, type Aex, type AexPlugin, type Scope } from "@aex/core";
import { addRoute, methodDecorator, type AexMethodDecorator } from "@aex/core/plugin";
import type { WebSocketHandler } from "./handler";
import { WebSocketServer } from "./server";
import type { WebSocketServerOptions } from "./server-options";

/** The `app.state` key of an app's hub. */
const HUB = Symbol("aex.ws.hub");

/** Options of the {@link websockets} plugin: those of the app's hub (no `path`). */
export type WebSocketPluginOptions = Omit<WebSocketServerOptions, "path">;

/**
 * The WebSocket plugin: sets the options (adapter, limits, heartbeat) of the app's hub,
 * the {@link WebSocketServer} its `@ws` routes' connections join (rooms, broadcast).
 * Without it, `@ws` gives the app a hub with the defaults.
 *
 * @example
 * const aex = new Aex().register(websockets, { adapter: new RedisAdapter({ url }) });
 * const hub = hubOf(aex); // hub.to("room").send("event", data) from any controller
 */
export const websockets: AexPlugin<WebSocketPluginOptions> = {
  name: "@aex/ws",
  setup(app, options) {
    app.state(HUB, () => new WebSocketServer(app, { ...options, path: null }));
  },
};

/** The app's hub: the {@link WebSocketServer} of its `@ws` connections. */
export function hubOf(app: Aex): WebSocketServer {
  return app.state(HUB, () => new WebSocketServer(app, { path: null }));
}

/** A `@ws` method: gets each connection once its route's steps let it in. */
export type WebSocketRouteHandler = (handler: WebSocketHandler, scope: Scope) => unknown;

/**
 * Makes a controller method a WebSocket endpoint. The upgrade request walks the app's
 * middlewares and the method's steps (`@session`, `@inject`, `@query`, `@filter`…) like
 * an HTTP request: a step that refuses answers its status (401, 403…) before anything
 * is upgraded. Then the method gets the connection, `scope.session` and
 * `scope.params` ready; messages wait until it returns.
 *
 * @example
 * class Chat {
 *   @ws("/chat/:room")
 *   @session()
 *   @inject(loggedIn)
 *   join(handler: WebSocketHandler, scope: Scope) {
 *     handler.join(scope.params.room);
 *     handler.on("say", (text) => handler.to(scope.params.room).send("said", text));
 *   }
 * }
 */
export function ws(path: string): AexMethodDecorator {
  if (typeof path !== "string" || (path !== "*" && !path.startsWith("/"))) {
    throw new AexError("AEX_ERR_ROUTE_INVALID", String(path));
  }
  return methodDecorator((holder, key) => {
    addRoute(holder, key, {
      methods: ["GET"],
      urls: [path],
      compact: false,
      upgrade: true,
      handler: ({ app, instance, methodName }) => {
        const hub = hubOf(app);
        const method = (instance as Record<string | symbol, WebSocketRouteHandler>)[methodName];
        return (req, res, scope) => hub.accept(req, res, scope, (handler) => method.call(instance, handler, scope));
      },
    });
  });
}
