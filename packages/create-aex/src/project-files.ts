import { hasSession, type Choices } from "./choices";

/** `@aex/*` packages the app imports at run time: its dependencies. */
export function runtimePackages(c: Choices): string[] {
  return [
    "@aex/core",
    ...(hasSession(c) ? ["@aex/session"] : []),
    ...(c.template ? ["@aex/template"] : []),
    ...(c.ws ? ["@aex/ws"] : []),
  ];
}

/**
 * `@aex/*` packages only development needs: `aex dev`, `aex routes`, `aex openapi` (which
 * loads the app's own `@aex/openapi`). devDependencies, so `npm ci --omit=dev` in the
 * Dockerfile installs neither them nor tsx and esbuild.
 */
export const DEV_PACKAGES = ["@aex/cli", "@aex/openapi"];

/**
 * The tools of a new project. TypeScript 7 compiles (`tsc` comes from `@typescript/native`,
 * the alias `npm:typescript@^7`); `typescript` is the TypeScript 6 API package, which
 * typescript-eslint loads (TypeScript 7 ships no API yet): the side-by-side setup the
 * TypeScript team recommends. `@types/node` is the oldest Node line the project runs on.
 */
const TOOLS: Record<string, string> = {
  "@eslint/js": "^10.0.1",
  "@types/node": "^22.20.7",
  "@typescript/native": "npm:typescript@^7.0.2",
  eslint: "^10.16.0",
  prettier: "^3.10.2",
  typescript: "npm:@typescript/typescript6@^6.0.2",
  "typescript-eslint": "^8.74.0",
};

/** The oldest Node.js line a new project supports (Node 20 is past its end of life). */
export const NODE_LINE = 22;

/** The Node.js line of the Docker image: the newest LTS line. */
export const IMAGE_NODE_LINE = 24;

/**
 * The generated package.json, as an object. `specs` gives each `@aex/*` package its range:
 * `^<create-aex's version>`, or a `file:` tarball with `--from`.
 */
export function packageJson(name: string, specs: Record<string, string>, c: Choices): Record<string, unknown> {
  const dependencies: Record<string, string> = {};
  for (const pkg of runtimePackages(c)) dependencies[pkg] = specs[pkg];
  if (c.template) dependencies.nunjucks = "^3.2.4";
  if (c.redis) dependencies.redis = "^6.4.0";
  const devDependencies: Record<string, string> = { ...TOOLS };
  for (const pkg of DEV_PACKAGES) devDependencies[pkg] = specs[pkg];
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: `>=${NODE_LINE}` },
    scripts: {
      build: "tsc",
      start: "node dist/main.js",
      dev: "aex dev src/main.ts",
      test: "tsc && node --test dist/app.test.js",
      lint: "eslint . && prettier --check .",
      format: "prettier --write .",
      routes: "aex routes dist/app.js",
    },
    dependencies: sorted(dependencies),
    devDependencies: sorted(devDependencies),
  };
}

const sorted = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

/** tsconfig.json for TC39 standard decorators (no experimentalDecorators), ESM output; TypeScript 7 accepts it. */
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

export const GITIGNORE = "node_modules/\ndist/\n.env\n";

/** ESLint's and typescript-eslint's recommended rules (typescript-eslint on the TypeScript 6 API). */
export const ESLINT_CONFIG = `// ESLint's recommended rules, and typescript-eslint's for TypeScript. typescript-eslint runs on
// the TypeScript 6 API (the "typescript" devDependency); tsc is TypeScript 7 (@typescript/native).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig([
  { ignores: ["dist/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
]);
`;

/** Prettier's options: its defaults, but lines of 100. */
export const PRETTIER_CONFIG = { printWidth: 100 };

/** What Prettier leaves alone besides .gitignore's files: npm's lock file, `aex openapi -o openapi.json`'s output. */
export const PRETTIER_IGNORE = "package-lock.json\nopenapi.json\n";

/** The settings the app reads, documented; src/env.ts loads .env, made from it. */
export function envExample(c: Choices): string {
  return lines(
    "# Copy to .env for `npm run dev` and `npm start` (src/env.ts loads it; a variable",
    "# already set in the environment wins). The Dockerfile sets HOST and NODE_ENV itself.",
    "",
    "# The port and the interface to listen on (0.0.0.0: every interface, as in a container).",
    "PORT=3000",
    "HOST=localhost",
    "# trace, debug, info, warn, error, fatal or silent",
    "LOG_LEVEL=info",
    "# development (request logs; what `npm run dev` sets) or production (the Dockerfile's).",
    "# NODE_ENV=production",
    hasSession(c) && "",
    hasSession(c) && "# Signs the session cookie: the same long random string on every instance",
    hasSession(c) && "# (when unset, each process makes its own, so sessions end at a restart).",
    hasSession(c) && "AEX_SESSION_SECRET=",
    c.redis && "",
    c.redis && "# Sessions in Redis when set, shared by every instance; in memory otherwise.",
    c.redis && "# REDIS_URL=redis://localhost:6379",
  );
}

/**
 * A two-stage image: the build stage installs everything and compiles; the image installs
 * the production dependencies alone (`npm ci --omit=dev`: no TypeScript, no @aex/cli, tsx or
 * esbuild) and runs the compiled app with node as PID 1, which receives SIGTERM itself.
 */
export function dockerfile(c: Choices): string {
  const image = `node:${IMAGE_NODE_LINE}-slim`;
  return lines(
    `# Build: every dependency, then tsc.`,
    `FROM ${image} AS build`,
    `WORKDIR /app`,
    `COPY package.json package-lock.json ./`,
    `RUN npm ci`,
    `COPY tsconfig.json ./`,
    `COPY src ./src`,
    `RUN npm run build`,
    ``,
    `# Run: the production dependencies and the compiled app.`,
    `FROM ${image}`,
    `WORKDIR /app`,
    `ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000`,
    `COPY package.json package-lock.json ./`,
    `RUN npm ci --omit=dev && npm cache clean --force`,
    `COPY --from=build /app/dist ./dist`,
    c.template && `COPY views ./views`,
    `USER node`,
    `EXPOSE 3000`,
    `# node is PID 1 and receives SIGTERM itself: aex.start() drains requests, then exits.`,
    `CMD ["node", "dist/main.js"]`,
  );
}

export const DOCKERIGNORE = "node_modules\ndist\n.env\n.git\n";

/** The README: the two commands a newcomer needs first, then the rest. */
export function readme(name: string, c: Choices): string {
  const extras = [
    hasSession(c) ? "- `GET /visits` counts your visits in a cookie session (`@aex/session`)." : "",
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

More: \`npm run lint\` (ESLint and Prettier; \`npm run format\` fixes the layout), \`npm run routes\`
lists every route and its steps, \`npm run build && npm start\` runs the compiled app. Settings
come from the environment or from \`.env\` (copy \`.env.example\`). \`docker build -t ${name} .\` makes
an image with the production dependencies only (\`@aex/cli\` and TypeScript are devDependencies).
${extras.length > 0 ? "\n" + extras.join("\n") + "\n" : ""}`;
}

/** Lines joined with a final newline; `false` entries (choices not taken) are left out. */
export const lines = (...parts: (string | false)[]) => parts.filter((p): p is string => p !== false).join("\n") + "\n";
