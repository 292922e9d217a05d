// `npm run bootstrap`: the bootstrap example (examples/bootstrap, run by the root Pulumi.yaml) applied by the
// real Pulumi engine to the embedded Talend Cloud emulator, then its outputs printed. Needs no Talend account:
// state lives in a temporary file backend with a passphrase secrets provider.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

async function main(): Promise<void> {
  const bin = (await run("bash", [join(repo, "scripts", "ensure-pulumi.sh")], process.env, { quiet: true })).trim().split("\n").pop() as string;
  const emulator = await startEmulator({ port: 0 });
  const work = mkdtempSync(join(tmpdir(), "pulumi-talend-bootstrap-"));
  mkdirSync(join(work, "state"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
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
    await run("pulumi", ["stack", "init", "bootstrap", "--non-interactive"], env, { quiet: true });
    await run("pulumi", ["config", "set", "talend:endpoint", emulator.url], env, { quiet: true });
    await run("pulumi", ["config", "set", "--secret", "talend:token", "emulator-admin-pat"], env, { quiet: true });
    await run("pulumi", ["up", "--yes", "--non-interactive"], env);
    console.log("\nOutputs (secrets stay masked; add --show-secrets to `pulumi stack output` to see them):");
    await run("pulumi", ["stack", "output", "--json"], env);
    const state = emulator.state();
    console.log(`\nThe emulator now holds ${state.serviceAccounts.length} service account(s), ${state.workspacePermissions.length} workspace grant(s), ${state.executions.length} execution(s).`);
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(stackConfig, { force: true });
  }
}

main().catch((e: Error) => {
  console.error(`bootstrap failed: ${e.message}`);
  process.exit(1);
});
