import { realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { HttpError } from "../errors/http-error";

const notFound = () => new HttpError(404, "File not found", { code: "AEX_STATIC_NOT_FOUND" });
const badPath = (cause?: unknown) => new HttpError(400, "Bad file path", { code: "AEX_STATIC_BAD_PATH", cause });

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Maps the still-encoded path after a static mount to a real file under `root` (itself
 * a real path). Refuses, whatever the encoding: malformed escapes and null bytes (400),
 * `..` segments, dotfiles (unless allowed), directories, and symlinks that lead out of
 * `root` (all 404, so nothing about the disk leaks).
 */
export async function resolveFile(root: string, encodedPath: string, allowDotfiles: boolean): Promise<string> {
  let path: string;
  try {
    path = decodeURIComponent(encodedPath);
  } catch (cause) {
    throw badPath(cause);
  }
  if (path.includes("\0")) throw badPath();
  const segments = path.split(/[/\\]/).filter((segment) => segment !== "");
  if (segments.some((segment) => segment === ".." || (!allowDotfiles && segment.startsWith(".")))) throw notFound();
  if (segments.length === 0) throw notFound(); // the folder itself: no listings
  const candidate = join(root, ...segments);
  if (!inside(root, candidate)) throw notFound();
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw notFound();
  }
  if (!inside(root, real)) throw notFound();
  const info = await stat(real).catch(() => null);
  if (info === null || !info.isFile()) throw notFound();
  return real;
}
