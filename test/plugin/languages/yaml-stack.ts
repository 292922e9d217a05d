import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../tools/repo-root";
import { pluginDir, yamlHost } from "../../../tools/yaml-host";
import { type PulumiStack, e2eFixture } from "../../helpers/pulumi-engine";

// The YAML host and the plugin's launcher live in tools/ (the benchmark uses them too); tests import them from here.
export { pluginDir, yamlHost, yamlProject } from "../../../tools/yaml-host";

/** examples/yaml-bootstrap/Pulumi.yaml as shipped, its plugin path pointed at this clone's plugin. */
export function yamlExample(): string {
  return readFileSync(join(repoRoot(), "examples", "yaml-bootstrap", "Pulumi.yaml"), "utf8").replace("path: ./node_modules/.bin", `path: ${pluginDir()}`);
}

/** A YAML project (its Pulumi.yaml given; in `app` when given, else a temp dir) on the e2e fixture's emulator, the YAML host on PATH. */
export async function yamlStack(f: ReturnType<typeof e2eFixture>, pulumiYaml: string, opts: { config?: Record<string, string>; withToken?: boolean; app?: string } = {}): Promise<PulumiStack> {
  const s = await f.stack({ program: "", files: { "Pulumi.yaml": pulumiYaml }, ...opts });
  s.env = { ...s.env, PATH: `${yamlHost().dir}:${s.env.PATH}` };
  return s;
}

/** Replaces the Pulumi.yaml of a stack (the program of a YAML project). */
export function writeYaml(s: PulumiStack, pulumiYaml: string): void {
  writeFileSync(join(s.dir, "Pulumi.yaml"), pulumiYaml);
}

/**
 * `up`, killed (engine and plugins) once `proxy` holds the answer to the first request `matches`: Talend has done it,
 * the provider never heard back, the engine recorded nothing after it.
 */
export async function upKilledAfter(stack: PulumiStack, proxy: { holdNext(matches: (method: string, path: string) => boolean): Promise<void> }, matches: (method: string, path: string) => boolean): Promise<void> {
  let held = false;
  const holding = proxy.holdNext(matches).then(() => (held = true));
  const { child, done } = stack.start(["up", "--yes", "--non-interactive", "--skip-preview"]);
  await Promise.race([holding, done]);
  if (!held) throw new Error(`up ended before the request to hold:\n${(await done).stdout}`);
  process.kill(-(child.pid as number), "SIGKILL");
  await done;
  stack.reapOrphans();
}

/** The next apply as on another machine: only the backend is left, and the dead apply's lock is cancelled. */
export async function resumeOnFreshMachine(stack: PulumiStack): Promise<void> {
  await stack.moveToFreshMachine();
  await stack.run(["cancel", "--yes", "--non-interactive"], { allowFailure: true });
}
