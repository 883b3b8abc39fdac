import { asyncapi } from "./commands/asyncapi";
import { client } from "./commands/client";
import { dev } from "./commands/dev";
import { openapi } from "./commands/openapi";
import { routes } from "./commands/routes";
import { start } from "./commands/start";
import { parseArgs } from "./args";
import { USAGE } from "./usage";

/** A wrong command line: usage on stderr, exit code 2. */
function misuse(message: string): number {
  console.error(`aex: ${message}\n\n${USAGE}`);
  return 2;
}

const flag = (value: string | true | undefined): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Runs `aex <command>`; resolves with the exit code, or `undefined` when a server keeps the
 * process alive.
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const { command, positionals, flags } = parseArgs(argv);
  if (flags.has("help") || flags.has("h") || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === undefined) return misuse("no command given");
  if (positionals.length > 1) return misuse(`${command} takes one entry, got ${positionals.join(" ")}`);
  const [entry] = positionals;
  switch (command) {
    case "routes":
      return routes(entry ?? "dist/app.js", flags.has("json"));
    case "openapi":
      return openapi(entry ?? "dist/app.js", flag(flags.get("o") ?? flags.get("out")), flag(flags.get("title")));
    case "asyncapi":
      return asyncapi(
        entry ?? "dist/app.js",
        flag(flags.get("o") ?? flags.get("out")),
        flag(flags.get("title")),
        flag(flags.get("server")),
      );
    case "client":
      return client(entry ?? "dist/app.js", flag(flags.get("o") ?? flags.get("out")), flag(flags.get("title")));
    case "dev":
      return dev(entry ?? "src/main.ts");
    case "start":
      return start(entry ?? "dist/main.js", flags.get("cluster"));
    default:
      return misuse(`unknown command: ${command}`);
  }
}
