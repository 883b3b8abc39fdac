// `pnpm docs:api`: the API reference of every package's public entries (each `exports`
// subpath of packages/*/package.json), made by TypeDoc from their TSDoc into docs/api/
// (gitignored). `--check` writes nothing and fails on any undocumented public export, broken
// `{@link}` or symbol the reference cannot show: test/api-reference.test.ts runs it.
// `--packages <dir> --tsconfig <file>` check other packages (the test's failing fixture).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Application, Comment, LiteralType, LogLevel, ReflectionKind } from "typedoc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    packages: { type: "string", default: join(root, "packages") },
    tsconfig: { type: "string", default: join(root, "tsconfig.api.json") },
  },
});
const check = args.check;
const packagesDir = resolve(args.packages);
const out = join(root, "docs", "api");

/**
 * The packages with a public API and the source file of each entry: `./dist/x.js` in a
 * package's `exports` is `src/x.ts`. Packages without entries (the command-line tools: only
 * a `bin`) have no API.
 */
function publicEntries() {
  const packages = [];
  const files = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifest = join(packagesDir, dir, "package.json");
    if (!existsSync(manifest)) continue;
    const { name, exports = {} } = JSON.parse(readFileSync(manifest, "utf8"));
    for (const target of Object.values(exports)) {
      const built = typeof target === "object" ? /^\.\/dist\/(.+)\.js$/.exec(target.require.default) : null;
      if (built === null) continue;
      files.push(join(packagesDir, dir, "src", `${built[1]}.ts`));
      if (!packages.includes(name)) packages.push(name);
    }
  }
  return { packages, files };
}

const { packages, files } = publicEntries();

const app = await Application.bootstrapWithPlugins({
  name: "Aex API reference",
  entryPoints: files,
  tsconfig: resolve(args.tsconfig),
  readme: "none",
  out,
  // Members a class inherits from node (IncomingMessage, ServerResponse…) are node's to document.
  excludeExternals: true,
  skipErrorChecking: true,
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  sort: ["source-order"],
  // No source links: they need a git remote, which a fresh clone or a tarball may not have.
  disableSources: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true },
  // TypeDoc asks only the root package (aex-monorepo) for documentation unless told.
  packagesRequiringDocumentation: packages,
  treatWarningsAsErrors: check,
  logLevel: LogLevel.Info,
});

/**
 * The code maps (`HTTP_ERROR_CODES`, `AEX_ERROR_CODES`…) describe each code in its value:
 * a string property of an exported constant without a comment of its own is documented by
 * its value, so the reference shows it beside the code.
 */
function documentCodesByValue(project) {
  for (const property of project.getReflectionsByKind(ReflectionKind.Property)) {
    const owner = property.parent?.parent;
    const described = property.type instanceof LiteralType && typeof property.type.value === "string";
    if (property.hasComment() || !described || !owner?.kindOf(ReflectionKind.Variable)) continue;
    property.comment = new Comment([{ kind: "text", text: property.type.value }]);
  }
}

const project = await app.convert();
if (project === undefined) process.exit(1);
documentCodesByValue(project);
app.validate(project);
if (app.logger.hasErrors() || app.logger.hasWarnings()) {
  console.error(`The API reference has problems (above): document every public export, fix every link.`);
  process.exit(1);
}
if (check) {
  console.log(
    `API reference: ${files.length} entries of ${packages.join(", ")}, every public export documented, every link resolved.`,
  );
} else {
  await app.generateDocs(project, out);
  console.log(`API reference written to ${out.replace(root + "/", "")}/index.html`);
}
