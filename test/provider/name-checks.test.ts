import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { cachedReads, checkNames, checkPermissionIds, checkTask, checkWorkspace, didYouMean, isFailure, nameChecked } from "../../provider/name-checks";
import { Context } from "../../provider/context";
import { UNKNOWN } from "../../provider/validation";
import { buildCatalog } from "../../sdk";

let emu: TalendEmulator;
let ctx: Context;
before(async () => {
  emu = await startEmulator();
  ctx = new Context({ baseUrl: emu.url, token: "emulator-admin-pat" });
});
after(async () => {
  await ctx.client.close();
  await emu.close();
});

const reads = () => cachedReads(ctx.client, async () => buildCatalog(await ctx.client.serviceAccounts.permissionCatalog()));
const sent = () => emu.requests().length;

test("a task typo names the workspace and environment by name, the id in brackets, and the closest task", async () => {
  const r = await checkTask(reads(), "seed-databse", "ops", "production", "TaskExecution");
  assert.ok(isFailure(r));
  assert.equal(r.property, "task");
  assert.match(r.reason, /^TaskExecution\.task: no task named "seed-databse" in workspace "ops" of environment "production" \[[0-9a-f]{24}\]; did you mean "seed-database"\? \(tasks visible to this token: seed-database\)$/);
  const ok = await checkTask(reads(), "seed-database", "ops", "production", "TaskExecution");
  assert.ok(!isFailure(ok) && ok.task.name === "seed-database" && ok.workspace.environment.name === "production");
});

test("workspace/environment pairs: a workspace that exists only in another environment is a miss in this one", async () => {
  const wrongEnv = await checkWorkspace(reads(), "analytics", "production", "WorkspacePermission");
  assert.ok(isFailure(wrongEnv));
  assert.match(wrongEnv.reason, /no workspace named "analytics" in environment "production" \(workspaces visible to this token: ops\)/);
  const typo = await checkWorkspace(reads(), "ops", "prod", "WorkspacePermission");
  assert.ok(isFailure(typo) && typo.property === "environment");
  const found = await checkWorkspace(reads(), "analytics", "development", "WorkspacePermission");
  assert.ok(!isFailure(found) && found.name === "analytics");
});

test("permission IDs missing from the catalogue fail with the closest IDs", async () => {
  const r = await checkPermissionIds(reads(), ["TMC_ENGINE_USE", "TMC_ENGIN_USE"], "ServiceAccount");
  assert.equal(r?.reason, 'ServiceAccount.permissions: "TMC_ENGIN_USE" not in this tenant\'s permission catalogue; did you mean "TMC_ENGINE_USE"? (getPermissionCatalog() lists them all)');
  assert.equal(await checkPermissionIds(reads(), ["TMC_ENGINE_USE"], "ServiceAccount"), undefined);
});

test("suggestions are only made for close names", () => {
  assert.equal(didYouMean("seed-databse", ["seed-database", "nightly-load"]), '; did you mean "seed-database"?');
  assert.equal(didYouMean("staging", ["development", "production"]), "");
  assert.equal(didYouMean("OPS", ["ops", "analytics"]), '; did you mean "ops"?');
});

test("unknown (preview) values are not checked; the checks cost one read of each list, however many resources", async () => {
  const r = reads();
  assert.deepEqual(await checkNames(r, "TaskExecution", { task: "nope", workspace: UNKNOWN, environment: "production" }), [], "the task is not checked while its workspace is unknown");
  assert.equal((await checkNames(r, "TaskExecution", { task: "nope", workspace: UNKNOWN, environment: "productio" }))[0]?.property, "environment", "what is known still is");
  const before = sent();
  for (let i = 0; i < 50; i++) assert.deepEqual(await checkNames(r, "TaskExecution", { task: "seed-database", workspace: "ops", environment: "production" }), []);
  assert.ok(sent() - before <= 3, `50 checks sent ${sent() - before} requests`);
  assert.ok(emu.requests().every((q) => q.method === "GET"), "read-only");
});

test("nameChecked: valid inputs pass through; a name miss becomes a failure on its property; a bad token fails one check only", async () => {
  const inputs = { task: "seed-database", workspace: "ops", environment: "production", runKey: "k" };
  assert.deepEqual(await nameChecked(() => ctx, undefined, { inputs }, "TaskExecution"), { inputs });
  const miss = await nameChecked(() => ctx, undefined, { inputs: { ...inputs, workspace: "opz" } }, "TaskExecution");
  assert.equal(miss.failures?.[0]?.property, "workspace");
  assert.match(miss.failures?.[0]?.reason ?? "", /did you mean "ops"\?/);
  const invalid = { failures: [{ property: "task", reason: "TaskExecution.task: must not be empty" }] };
  assert.equal(await nameChecked(() => ctx, undefined, invalid, "TaskExecution"), invalid, "invalid inputs are not looked up");
  const unconfigured = await nameChecked(() => { throw new Error("talend:token is not set"); }, undefined, { inputs }, "TaskExecution");
  assert.deepEqual(unconfigured, { inputs }, "settings errors are left to create, which names the setting");

  const bad = new Context({ baseUrl: emu.url, token: "expired-pat" });
  const results = await Promise.all([1, 2, 3].map(() => nameChecked(() => bad, undefined, { inputs }, "TaskExecution")));
  const failed = results.filter((r) => r.failures?.length);
  assert.equal(failed.length, 1, "the 401 is reported by one resource, not by each");
  const later = await nameChecked(() => bad, undefined, { inputs: { name: "sa", permissions: ["TMC_ENGINE_USE"] } }, "ServiceAccount");
  assert.equal(later.failures, undefined, "nor again by a later check that reads something else");
  assert.match(failed[0]!.failures![0]!.reason, /^TaskExecution\.inputs: could not check names against Talend: .*401.*\. Fix: check talend:token \(pulumi config set/);
  await bad.client.close();
});

test("at apply time (up --skip-preview), the SDK's miss also names the workspace by name and suggests the closest task", async () => {
  const ws = await ctx.client.workspaces.getByName("ops", "production");
  await assert.rejects(ctx.client.tasks.findByName("seed-databse", ws), (e: Error) => {
    assert.match(e.message, /no task named "seed-databse" in workspace "ops" of environment "production" \[[0-9a-f]{24}\] found\nFix: did you mean "seed-database"\? names visible/);
    return true;
  });
  await assert.rejects(ctx.client.environments.getByName("developmnt"), /Fix: did you mean "development"\?/);
});

test("names unchanged since the last apply are not read again: a no-op preview costs nothing, a renamed task does not block the stack", async () => {
  const r = reads();
  const olds = { task: "renamed-in-tmc", workspace: "ops", environment: "production", permissions: ["TMC_GONE"] };
  const before = sent();
  assert.deepEqual(await checkNames(r, "TaskExecution", { ...olds }, olds), []);
  assert.deepEqual(await checkNames(r, "ServiceAccount", { permissions: ["TMC_GONE"] }, olds), []);
  assert.equal(sent(), before, "no request");
  assert.equal((await checkNames(r, "TaskExecution", { ...olds, task: "seed-databse" }, olds))[0]?.property, "task", "a changed name is checked");
  assert.match((await checkNames(r, "ServiceAccount", { permissions: ["TMC_GONE", "TMC_ENGIN_USE"] }, olds))[0]?.reason ?? "", /^ServiceAccount\.permissions: "TMC_ENGIN_USE" not/, "only the added ID");
});

test("one catalogue read per process: the intents' probe of Talend's clock is the read the accounts' checks need", async () => {
  const fresh = new Context({ baseUrl: emu.url, token: "emulator-admin-pat" });
  const catalogueReads = () => emu.requests().filter((q) => q.path === "/account/service-accounts/permissions").length;
  const before = catalogueReads();
  try {
    const at = await Promise.all([fresh.client.serverTime(), fresh.client.serverTime()]); // intents created together
    assert.ok(at.every((t) => Math.abs(t - emu.clock.now()) < 2_000), "Talend's time, from the probe's Date header");
    const check = await nameChecked(() => fresh, undefined, { inputs: { name: "sa", permissions: ["TMC_ENGINE_USE"] } }, "ServiceAccount");
    assert.equal(check.failures, undefined);
    assert.equal(catalogueReads() - before, 1, "the check reused the probe's answer");
  } finally {
    await fresh.client.close();
  }
});
