#!/usr/bin/env node
// `npm create aex@latest my-app`: see ./main.ts and docs/cli.md.
import { main } from "./main";

process.exitCode = main(process.argv.slice(2));
