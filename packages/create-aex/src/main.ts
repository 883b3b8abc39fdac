import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NO_CHOICES, type Choices } from "./choices";
import { TarballError, fromTarballs } from "./local-tarballs";
import { DEV_PACKAGES, runtimePackages } from "./project-files";
import { NotEmptyError, scaffold } from "./scaffold";

export const USAGE = `Usage: npm create aex@latest <folder> -- [--session] [--template] [--ws] [--redis] [--from <dir>]
       create-aex <folder> [--session] [--template] [--ws] [--redis] [--from <dir>]

  --session     a cookie session (@aex/session) and a /visits route
  --template    server-rendered pages (@aex/template, nunjucks) and a /page route
  --ws          WebSockets (@aex/ws) on the app's server
  --redis       sessions in Redis when REDIS_URL is set (implies --session)
  --from <dir>  the @aex packages from the tarballs in <dir> (pnpm pack's), not the registry
`;

/** create-aex's version: a project gets the Aex release its create-aex came with. */
function ownVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;
}

/** Runs create-aex; returns the exit code (0 done, 1 refused, 2 wrong command line). */
export function main(argv: readonly string[]): number {
  const choices: Choices = { ...NO_CHOICES };
  const folders: string[] = [];
  let from: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE);
      return 0;
    }
    const flag = /^--(session|template|ws|redis)$/.exec(arg);
    if (flag !== null) choices[flag[1] as keyof Choices] = true;
    else if (arg === "--from" || arg.startsWith("--from=")) {
      from = arg === "--from" ? argv[++i] : arg.slice("--from=".length);
      if (from === undefined || from === "") return misuse("--from needs a folder of tarballs");
    } else if (arg.startsWith("-")) return misuse(`unknown option: ${arg}`);
    else folders.push(arg);
  }
  if (folders.length !== 1) return misuse(folders.length === 0 ? "no folder given" : "one folder at a time");
  const [dir] = folders;
  const version = ownVersion();
  const names = [...runtimePackages(choices), ...DEV_PACKAGES];
  try {
    const specs =
      from === undefined
        ? Object.fromEntries(names.map((name) => [name, `^${version}`]))
        : fromTarballs(from, names, version);
    const files = scaffold(dir, specs, choices);
    console.log(`Created ${dir}: ${files.join(", ")}\n\nNext:\n  cd ${dir}\n  npm install\n  npm run dev\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof NotEmptyError) && !(error instanceof TarballError)) throw error;
    console.error(`create-aex: ${error.message}`);
    return 1;
  }
}

function misuse(message: string): number {
  console.error(`create-aex: ${message}\n\n${USAGE}`);
  return 2;
}
