// A structural check of a Dockerfile, for the Dockerfile create-aex writes (hadolint is not
// available here): its instructions as Docker reads them, the stages, and the mistakes that
// would make the image fail or run as it should not.
import { existsSync } from "node:fs";
import { join } from "node:path";

/** One instruction: its keyword (upper case) and the rest of its line(s). */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

const KEYWORDS = new Set([
  "FROM",
  "RUN",
  "CMD",
  "LABEL",
  "EXPOSE",
  "ENV",
  "ADD",
  "COPY",
  "ENTRYPOINT",
  "VOLUME",
  "USER",
  "WORKDIR",
  "ARG",
  "ONBUILD",
  "STOPSIGNAL",
  "HEALTHCHECK",
  "SHELL",
]);

/** The instructions of a Dockerfile: comments and blank lines dropped, `\` continuations joined. */
export function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: { args: string; keyword: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (pending === undefined && (line === "" || line.startsWith("#"))) return;
    if (pending !== undefined) pending.args += " " + line.replace(/\\$/, "").trim();
    else {
      const [keyword, ...rest] = line.replace(/\\$/, "").split(/\s+/);
      pending = { keyword: keyword.toUpperCase(), args: rest.join(" "), line: index + 1 };
    }
    if (!line.endsWith("\\")) {
      result.push({ ...pending, args: pending.args.trim() });
      pending = undefined;
    }
  });
  return result;
}

/**
 * The problems of a Node app's Dockerfile (an empty list when there are none): unknown
 * instructions; a first instruction other than FROM (or ARG); a COPY --from naming no earlier
 * stage; a COPY source missing from the build context (`context`), unless a stage builds it;
 * a final stage that installs dev dependencies, runs as root, exposes no port, or whose CMD is
 * not the exec form (JSON array: node must be PID 1 to receive SIGTERM) or not `expectedCmd`.
 */
export function dockerfileProblems(text: string, context: string, expectedCmd: string[]): string[] {
  const problems: string[] = [];
  const list = instructions(text);
  for (const i of list) if (!KEYWORDS.has(i.keyword)) problems.push(`line ${i.line}: unknown instruction ${i.keyword}`);
  const first = list.find((i) => i.keyword !== "ARG");
  if (first?.keyword !== "FROM") problems.push("the first instruction is not FROM");
  const stages: { name?: string; body: Instruction[] }[] = [];
  for (const i of list) {
    if (i.keyword === "FROM") {
      const [image, as, name] = i.args.split(/\s+/);
      if (!/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.test(image)) problems.push(`line ${i.line}: image ${image}`);
      stages.push({ name: as?.toUpperCase() === "AS" ? name : undefined, body: [] });
    } else stages.at(-1)?.body.push(i);
  }
  stages.forEach((stage, index) => {
    for (const i of stage.body.filter((x) => x.keyword === "COPY")) {
      const parts = i.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith("--from="))?.slice("--from=".length);
      const paths = parts.filter((p) => !p.startsWith("--"));
      if (paths.length < 2) problems.push(`line ${i.line}: COPY needs a source and a destination`);
      if (from !== undefined) {
        if (!stages.slice(0, index).some((s) => s.name === from))
          problems.push(`line ${i.line}: no stage ${from} before it`);
      } else {
        for (const source of paths.slice(0, -1)) {
          if (!existsSync(join(context, source)))
            problems.push(`line ${i.line}: ${source} is not in the build context`);
        }
      }
    }
  });
  const last = stages.at(-1)?.body ?? [];
  const runs = last.filter((i) => i.keyword === "RUN").map((i) => i.args);
  if (runs.some((r) => /\bnpm (ci|install)\b/.test(r) && !/--omit=dev/.test(r))) {
    problems.push("the final stage installs devDependencies (npm ci without --omit=dev)");
  }
  if (!runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))) problems.push("the final stage runs no npm ci --omit=dev");
  const user = last.filter((i) => i.keyword === "USER").at(-1)?.args;
  if (user === undefined || user === "root" || user === "0") problems.push("the final stage runs as root");
  if (!last.some((i) => i.keyword === "EXPOSE")) problems.push("the final stage exposes no port");
  const cmd = last.filter((i) => i.keyword === "CMD").at(-1)?.args;
  let parsed: unknown;
  try {
    parsed = cmd === undefined ? undefined : JSON.parse(cmd);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) problems.push(`CMD ${cmd ?? "(none)"} is not the exec form (a JSON array)`);
  else if (JSON.stringify(parsed) !== JSON.stringify(expectedCmd)) {
    problems.push(`CMD ${cmd} is not ${JSON.stringify(expectedCmd)}`);
  }
  return problems;
}

/** The ENV values the final stage sets (`ENV A=1 B=2` and `ENV A 1`). */
export function finalEnv(text: string): Record<string, string> {
  const list = instructions(text);
  const lastFrom = list.map((i) => i.keyword).lastIndexOf("FROM");
  const env: Record<string, string> = {};
  for (const i of list.slice(lastFrom).filter((x) => x.keyword === "ENV")) {
    if (i.args.includes("="))
      for (const pair of i.args.split(/\s+/)) env[pair.split("=")[0]] = pair.split("=").slice(1).join("=");
    else env[i.args.split(/\s+/)[0]] = i.args.split(/\s+/).slice(1).join(" ");
  }
  return env;
}
