import type { Choices } from "./choices";

/**
 * The generated package.json, as an object (ranges of @aex/* follow create-aex's version).
 * `@aex/openapi` is there for `aex openapi`, which the quick start runs.
 */
export function packageJson(name: string, aexRange: string, c: Choices): Record<string, unknown> {
  const dependencies: Record<string, string> = {
    "@aex/cli": aexRange,
    "@aex/core": aexRange,
    "@aex/openapi": aexRange,
  };
  if (c.session || c.redis) dependencies["@aex/session"] = aexRange;
  if (c.template) Object.assign(dependencies, { "@aex/template": aexRange, nunjucks: "^3.2" });
  if (c.ws) dependencies["@aex/ws"] = aexRange;
  if (c.redis) dependencies.redis = "^5";
  const devDependencies: Record<string, string> = { "@types/node": "^20", typescript: "^5.9" };
  if (c.template) devDependencies["@types/nunjucks"] = "^3.2";
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      build: "tsc",
      start: "aex start dist/main.js",
      dev: "aex dev src/main.ts",
      test: "tsc && node --test dist/app.test.js",
      routes: "aex routes dist/app.js",
    },
    dependencies: sorted(dependencies),
    devDependencies: sorted(devDependencies),
  };
}

const sorted = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

/** tsconfig.json for TC39 standard decorators (no experimentalDecorators), ESM output. */
export const TSCONFIG = {
  compilerOptions: {
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    rootDir: "src",
    outDir: "dist",
    strict: true,
    sourceMap: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: ["src"],
};

export const GITIGNORE = "node_modules/\ndist/\n";

/** The README: the two commands a newcomer needs first, then the rest. */
export function readme(name: string, c: Choices): string {
  const extras = [
    c.session || c.redis ? "- `GET /visits` counts your visits in a cookie session (`@aex/session`)." : "",
    c.redis ? "- Set `REDIS_URL` to keep sessions in Redis, shared by every instance." : "",
    c.template ? "- `GET /page` renders `views/page.html` with nunjucks (`@aex/template`)." : "",
    c.ws ? "- WebSockets (`@aex/ws`) on the same server: send `echo` events and get them back." : "",
  ].filter((line) => line !== "");
  return `# ${name}

An [Aex](https://github.com/aex-ts-node/aex) app.

\`\`\`sh
npm run dev   # run src/main.ts, restarting on change: http://localhost:3000/
npm test      # compile and run the tests (node --test, in-process client)
\`\`\`

More: \`npm run build && npm start\` runs the compiled app in production (\`npx aex start
--cluster\` for one worker per core); \`npm run routes\` lists every route and its steps.
${extras.length > 0 ? "\n" + extras.join("\n") + "\n" : ""}`;
}
