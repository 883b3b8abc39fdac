/** A command line split into the command, its positional arguments and its flags. */
export interface Parsed {
  command: string | undefined;
  positionals: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value (`-o file`, `--out=file`); others are booleans or take an optional number. */
const VALUED = new Set(["o", "out", "title", "server", "version-tag"]);

/** `--cluster 4`: a boolean flag whose next argument is taken when it is a number. */
const OPTIONAL_NUMBER = new Set(["cluster"]);

/** Parses `aex <command> [args] [--flags]`. */
export function parseArgs(argv: readonly string[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (match === null || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const [, name, inline] = match;
    if (inline !== undefined) flags.set(name, inline);
    else if (VALUED.has(name) && i + 1 < argv.length) flags.set(name, argv[++i]);
    else if (OPTIONAL_NUMBER.has(name) && /^\d+$/.test(argv[i + 1] ?? "")) flags.set(name, argv[++i]);
    else flags.set(name, true);
  }
  return { command: positionals.shift(), positionals, flags };
}
