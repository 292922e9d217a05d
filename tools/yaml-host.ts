// The Pulumi YAML language host and a launcher of this clone's provider plugin: what a YAML project needs to run
// here. Used by the YAML tests (test/plugin/languages/yaml-stack.ts) and by the benchmark's YAML row.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pulumiCli } from "./pulumi-engine";
import { repoRoot } from "./repo-root";

let host: { dir?: string; reason?: string } | undefined;

/** The YAML language host (scripts/ensure-yaml-host.sh, cached); a reason to skip when it cannot be built. */
export function yamlHost(): { dir?: string; reason?: string } {
  if (!host) {
    const cli = pulumiCli().reason;
    if (cli) return (host = { reason: cli });
    try {
      const out = execFileSync("bash", [join(repoRoot(), "scripts", "ensure-yaml-host.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      host = { dir: out.trim().split("\n").pop() };
    } catch (e) {
      host = { reason: `the YAML language host could not be built (scripts/ensure-yaml-host.sh): ${(e as Error).message.split("\n")[0]}` };
    }
  }
  return host;
}

let launcherDir: string | undefined;

/** A directory holding `pulumi-resource-talend`, a launcher of this clone's compiled plugin (as npm's bin would be). */
export function pluginDir(): string {
  if (!launcherDir) {
    launcherDir = mkdtempSync(join(tmpdir(), "pulumi-talend-plugin-"));
    const launcher = join(launcherDir, "pulumi-resource-talend");
    writeFileSync(launcher, `#!/usr/bin/env bash\nexec node "${join(repoRoot(), "dist", "provider", "plugin", "main.js")}" "$@"\n`);
    chmodSync(launcher, 0o755);
  }
  return launcherDir;
}

/** The head of a YAML project's Pulumi.yaml that runs this clone's plugin; resources etc. follow. */
export function yamlProject(name: string): string {
  return `name: ${name}\nruntime: yaml\nplugins:\n  providers:\n    - name: talend\n      path: ${pluginDir()}\n`;
}
