import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The repository root: the nearest ancestor whose package.json is pulumi-talend's (works from src and dist). */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "pulumi-talend") return dir;
    if (dirname(dir) === dir) throw new Error(`no pulumi-talend package.json above ${from}`);
  }
}
