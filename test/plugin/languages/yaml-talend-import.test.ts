import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { defaultSeed } from "../../../emulator";
import { TalendClient } from "../../../sdk";
import { repoRoot } from "../../../tools/repo-root";
import { ADMIN_PAT, e2eFixture } from "../../helpers/pulumi-engine";
import { pluginDir, yamlHost, yamlStack } from "./yaml-stack";

// talend-import --language yaml through the real CLI, the YAML language host and the provider plugin: a tenant made
// by hand (outside Pulumi) is adopted by the generated Pulumi.yaml, as written, with no request that changes Talend.
const skip = yamlHost().reason;
const seed = defaultSeed();
// Two workspaces named "shared" in production: a grant on one of them can only be declared by id.
seed.workspaces.push({ id: "5ba7ed000000000000000001", name: "shared", environment: "production" }, { id: "5ba7ed000000000000000002", name: "shared", environment: "production" });
const f = e2eFixture({ emulator: { seed } });
const isMutating = (r: { method: string; path: string }) => r.method !== "GET" && r.path !== "/security/oauth/token";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("Pulumi YAML: talend-import --language yaml → up adopts with 0 mutating requests → preview shows no change", { skip, timeout: 900_000 }, async (t) => {
  const admin = new TalendClient({ endpoint: f.emulator.url, credentials: { token: ADMIN_PAT } });
  const made: Record<string, string> = {};
  const ws = async (environment: string, name: string) => (await admin.workspaces.getByName(name, environment)).id;
  try {
    for (const [name, permissions] of [["ci-runner", ["TMC_ENGINE_USE", "TMC_OPERATOR"]], ["CI Runner", ["TMC_OPERATOR"]], ["etl-loader", []], ["reporting", ["AUDIT_LOGS_VIEW"]]] as const)
      made[name] = (await admin.serviceAccounts.create({ name, permissions: [...permissions] })).id;
    await admin.workspacePermissions.create(await ws("development", "ops"), made["ci-runner"]!, ["EXECUTE"]);
    await admin.workspacePermissions.create(await ws("production", "ops"), made["ci-runner"]!, ["EXECUTE", "VIEW"]);
    await admin.workspacePermissions.create(await ws("production", "ops"), made["CI Runner"]!, ["VIEW"]);
    await admin.workspacePermissions.create(await ws("development", "analytics"), made["etl-loader"]!, ["AUTHOR", "EXECUTE"]);
    await admin.workspacePermissions.create("5ba7ed000000000000000002", made["etl-loader"]!, ["VIEW"]);
  } finally {
    await admin.close();
  }
  const tenantBefore = f.emulator.state();
  const mutating: string[] = [];
  const stopWatching = f.emulator.onRequest((r) => void (isMutating(r) && mutating.push(`${r.method} ${r.path}`)));
  t.after(stopWatching);

  const out = mkdtempSync(join(tmpdir(), "talend-import-yaml-"));
  dirs.push(out);
  let program = "";
  await t.test("talend-import writes Pulumi.yaml and package.json, no TypeScript", async () => {
    const r = await promisify(execFile)(process.execPath, [join(repoRoot(), "dist", "cli", "talend-import.js"), "--endpoint", f.emulator.url, "--token", ADMIN_PAT, "--language", "yaml", "--out", out]);
    assert.match(r.stdout, /4 service accounts, 5 workspace grants → .*Pulumi\.yaml, .*package\.json\n/);
    program = readFileSync(join(out, "Pulumi.yaml"), "utf8");
    assert.ok(!existsSync(join(out, "index.ts")));
    assert.match(program, /^runtime: yaml$/m);
    assert.match(program, /^ {6}path: \.\/node_modules\/\.bin$/m);
    assert.match(program, /^ {2}# several workspaces are named "shared" in "production": referenced by id\n {2}etl-loader\.production\.shared:\n {4}type: talend:index:WorkspacePermission\n {4}properties:\n {6}serviceAccountId: \$\{etl-loader\.clientId\}\n {6}workspaceId: "5ba7ed000000000000000002"/m, program);
  });

  // The generated Pulumi.yaml as written: its plugin path ./node_modules/.bin holds the plugin, as `npm install` would put it.
  mkdirSync(join(out, "node_modules", ".bin"), { recursive: true });
  symlinkSync(join(pluginDir(), "pulumi-resource-talend"), join(out, "node_modules", ".bin", "pulumi-resource-talend"));
  const stack = await yamlStack(f, program, { app: out });

  await t.test("up adopts every account and grant and sends no mutating request", async () => {
    await stack.up();
    assert.deepEqual(mutating, [], "talend-import and up send nothing that changes Talend");
    const tenant = f.emulator.state();
    assert.deepEqual(tenant.serviceAccounts, tenantBefore.serviceAccounts, "accounts untouched (same ids, permissions, dates)");
    assert.deepEqual(tenant.workspacePermissions, tenantBefore.workspacePermissions);
    const resources: Array<{ type: string; id?: string; outputs: Record<string, unknown> }> = (await stack.exportState()).deployment.resources;
    const accounts = resources.filter((r) => r.type === "talend:index:ServiceAccountResource");
    assert.deepEqual(accounts.map((r) => r.id).sort(), Object.values(made).sort(), "each account adopted by its own id");
    assert.ok(accounts.every((r) => r.outputs.adopted === true && r.outputs.clientSecret === undefined));
    const grants = resources.filter((r) => r.type === "talend:index:WorkspacePermission");
    assert.equal(grants.length, 5);
    assert.ok(grants.every((r) => r.outputs.adopted === true));
    f.assertNoSecrets(f.printed(stack), "the CLI's output");
    f.assertNoSecrets(stack.stateText(), "the state");
  });

  await t.test("preview after up shows no change and sends nothing", async () => {
    const plan = await stack.preview();
    assert.deepEqual(plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`), []);
    // The stack, per account the component, its intent and the account, and the 5 grants.
    assert.deepEqual(plan.changeSummary, { same: 1 + 4 * 3 + 5 });
    assert.deepEqual(mutating, []);
  });
});
