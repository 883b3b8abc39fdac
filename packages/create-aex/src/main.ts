import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NO_CHOICES, type Choices } from "./choices";
import { NotEmptyError, scaffold } from "./scaffold";

export const USAGE = `Usage: npm create aex@latest <folder> -- [--session] [--template] [--ws] [--redis]
       create-aex <folder> [--session] [--template] [--ws] [--redis]

  --session    a cookie session (@aex/session) and a /visits route
  --template   server-rendered pages (@aex/template, nunjucks) and a /page route
  --ws         WebSockets (@aex/ws) on the app's server
  --redis      sessions in Redis when REDIS_URL is set (implies --session)
`;

/** `^<create-aex's version>`: a project gets the Aex release its create-aex came with. */
function aexRange(): string {
  const own = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string };
  return `^${own.version}`;
}

/** Runs create-aex; returns the exit code (0 done, 1 refused, 2 wrong command line). */
export function main(argv: readonly string[]): number {
  const choices: Choices = { ...NO_CHOICES };
  const folders: string[] = [];
  for (const arg of argv) {
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE);
      return 0;
    }
    const flag = /^--(session|template|ws|redis)$/.exec(arg);
    if (flag !== null) choices[flag[1] as keyof Choices] = true;
    else if (arg.startsWith("-")) return misuse(`unknown option: ${arg}`);
    else folders.push(arg);
  }
  if (folders.length !== 1) return misuse(folders.length === 0 ? "no folder given" : "one folder at a time");
  const [dir] = folders;
  try {
    const files = scaffold(dir, aexRange(), choices);
    console.log(`Created ${dir}: ${files.join(", ")}\n\nNext:\n  cd ${dir}\n  npm install\n  npm run dev\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof NotEmptyError)) throw error;
    console.error(`create-aex: ${error.message}`);
    return 1;
  }
}

function misuse(message: string): number {
  console.error(`create-aex: ${message}\n\n${USAGE}`);
  return 2;
}
