// `npm run bootstrap`: the bootstrap example (examples/bootstrap, run by the root Pulumi.yaml) applied by the
// real Pulumi engine to the embedded Talend Cloud emulator, then its outputs printed. Needs no Talend account:
// state lives in a temporary file backend with a passphrase secrets provider. The engine is the `pulumi` on
// PATH when there is one (with its own language host and dynamic-provider host), else the pinned build of
// scripts/ensure-pulumi.sh (built once, with this repository's plugin shims); `--pinned` forces the latter.
import { execFileSync, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { repoRoot } from "./repo-root";
import { startEmulator } from "../emulator";

const repo = repoRoot();

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, opts: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: repo, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      if (!opts.quiet) process.stdout.write(chunk);
    });
    child.on("error", fail);
    child.on("close", (code) => (code === 0 ? done(out) : fail(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
  });
}

export interface PulumiCli {
  /** The `pulumi` executable. */
  path: string;
  version: string;
  source: "installed" | "pinned";
}

/** The first executable `pulumi` on PATH, if any. */
export function installedPulumi(path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "pulumi");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The `pulumi` on PATH unless `pinned`, else the pinned build (built by scripts/ensure-pulumi.sh on first use). */
export async function choosePulumi(opts: { pinned?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<PulumiCli> {
  const env = opts.env ?? process.env;
  const installed = opts.pinned ? undefined : installedPulumi(env.PATH);
  const path = installed ?? join((await run("bash", [join(repo, "scripts", "ensure-pulumi.sh")], env, { quiet: true })).trim().split("\n").pop() as string, "pulumi");
  const version = execFileSync(path, ["version"], { encoding: "utf8", env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
  return { path, version, source: installed ? "installed" : "pinned" };
}

async function main(): Promise<void> {
  const cli = await choosePulumi({ pinned: process.argv.includes("--pinned") });
  console.log(
    cli.source === "installed"
      ? `Pulumi CLI: ${cli.path} (${cli.version}), found on PATH; npm run bootstrap -- --pinned uses the pinned build instead`
      : `Pulumi CLI: ${cli.path} (${cli.version}), the pinned build of scripts/ensure-pulumi.sh (no pulumi on PATH)`,
  );
  const emulator = await startEmulator({ port: 0 });
  const work = mkdtempSync(join(tmpdir(), "pulumi-talend-bootstrap-"));
  mkdirSync(join(work, "state"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The CLI finds its plugins (language host, dynamic-provider host) beside itself and on PATH.
    PATH: `${join(cli.path, "..")}${delimiter}${process.env.PATH}`,
    PULUMI_HOME: join(work, "home"),
    PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-talend-bootstrap",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  // The stack's config (encrypted token, salt) lives beside Pulumi.yaml for the duration of the run only.
  const stackConfig = join(repo, "Pulumi.bootstrap.yaml");
  try {
    console.log(`Talend Cloud emulator on ${emulator.url}; state in ${work}\n`);
    await run(cli.path, ["stack", "init", "bootstrap", "--non-interactive"], env, { quiet: true });
    await run(cli.path, ["config", "set", "talend:endpoint", emulator.url], env, { quiet: true });
    await run(cli.path, ["config", "set", "--secret", "talend:token", "emulator-admin-pat"], env, { quiet: true });
    await run(cli.path, ["up", "--yes", "--non-interactive"], env);
    console.log("\nOutputs (secrets stay masked; add --show-secrets to `pulumi stack output` to see them):");
    await run(cli.path, ["stack", "output", "--json"], env);
    const state = emulator.state();
    console.log(`\nThe emulator now holds ${state.serviceAccounts.length} service account(s), ${state.workspacePermissions.length} workspace grant(s), ${state.executions.length} execution(s).`);
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(stackConfig, { force: true });
  }
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`bootstrap failed: ${e.message}`);
    process.exit(1);
  });
}
