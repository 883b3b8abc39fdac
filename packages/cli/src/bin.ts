#!/usr/bin/env node
// The `aex` command: see ./main.ts and docs/cli.md.
import { main } from "./main";

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `aex: ${error.message}` : error);
    process.exitCode = 1;
  },
);
