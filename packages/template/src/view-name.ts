import { extname, isAbsolute, resolve, sep } from "node:path";

/**
 * The template name to render: `ext` appended when the name has no extension, and
 * refused (thrown) when it could leave the views folder: absolute, `..`, or a null byte.
 */
export function viewName(name: string, ext: string): string {
  if (
    typeof name !== "string" ||
    name === "" ||
    name.includes("\0") ||
    isAbsolute(name) ||
    name.split(/[/\\]/).includes("..")
  ) {
    throw new Error(`Template name ${JSON.stringify(name)} is not a file inside the views folder`);
  }
  return ext !== "" && extname(name) === "" ? `${name}.${ext}` : name;
}

/** The absolute path of template `name` under `root`, refused if it resolves outside. */
export function viewPath(root: string, name: string): string {
  const base = resolve(root);
  const path = resolve(base, name);
  if (!path.startsWith(base + sep)) throw new Error(`Template ${JSON.stringify(name)} is outside ${base}`);
  return path;
}
