// The versions of the Better Auth packages this run loaded (for the Go test,
// which checks that each project runs the release its lockfile pins).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * installedVersion finds the package.json of the package an import of name (or of
 * one of its subpaths, for packages without a main export) resolves to.
 */
export function installedVersion(name: string): string {
  const entry = name === "@better-auth/test-utils" ? name + "/scim" : name;
  let dir = dirname(fileURLToPath(import.meta.resolve(entry)));
  for (;;) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      const j = JSON.parse(readFileSync(p, "utf8"));
      if (j.name === name) return j.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of ${name} above the module it resolves to`);
    dir = up;
  }
}

/** versions are the Better Auth packages of the run, by name. */
export function versions(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, installedVersion(n)]));
}
