/** What `aex --help` prints (and what a wrong command line prints on stderr). */
export const USAGE = `Usage: aex <command> [entry] [options]

Commands:
  routes [entry] [--json]         every route: method, path, steps in order, controller method
  openapi [entry] [-o file]       the generated OpenAPI document (stdout without -o); the app
                                  needs @aex/openapi (npm install @aex/openapi)
  asyncapi [entry] [-o file]      the generated AsyncAPI document of the @ws and @sse routes
           [--server url]         (stdout without -o); the app needs @aex/asyncapi
                                  (npm install @aex/asyncapi @aex/openapi)
  client [entry] [-o file]        a typed client of the routes (TypeScript, on openapi-fetch;
                                  stdout without -o); the app needs @aex/openapi and
                                  openapi-typescript (npm install -D openapi-typescript)
  dev [entry]                     run a TypeScript entry, restarting on change (node --watch + tsx)
  start [entry] [--cluster [n]]   run in production (NODE_ENV=production), one worker per core
                                  with --cluster or n workers with --cluster n

Entries: routes, openapi, asyncapi and client load a compiled module (default dist/app.js)
that exports an Aex app as \`aex\` or default, or a function returning one. dev defaults to
src/main.ts, start to dist/main.js.

Options:
  -h, --help                      this text
`;
