import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { UNKNOWN } from "../../provider/validation";
import { providerFixture } from "../helpers/provider-context";

// Preview = up: on `pulumi preview` (and the preview before `up`) the engine calls only check and diff. Whatever
// they ask Talend, it must be a read.

let f: Awaited<ReturnType<typeof providerFixture>>;
before(async () => (f = await providerFixture()));
after(async () => f.close());

test("check and diff of every resource, new or changed, inputs known or not yet: reads only", async () => {
  const account = await f.createVia(f.serviceAccount, { name: "pv-runner", permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] });
  const grant = await f.createVia(f.workspacePermission, { serviceAccountId: account.id, workspace: "ops", environment: "development", permissions: ["EXECUTE"] });
  const run = { task: "seed-database", workspace: "ops", environment: "development", clientId: account.id, clientSecret: account.outs.clientSecret, triggers: ["1"] };
  const from = f.emulator.requests().length;

  // New resources, one of them fed by another's output that preview does not know yet.
  for (const [provider, news] of [
    [f.serviceAccount, { name: "pv-new", permissions: ["TMC_ENGINE_USE"], intentAt: 1 }],
    [f.workspacePermission, { serviceAccountId: UNKNOWN, workspace: "analytics", environment: "development", permissions: ["VIEW"] }],
    [f.taskExecution, { ...run, intentAt: 1 }],
  ] as const) {
    const checked = await provider.check({}, news);
    assert.deepEqual(checked.failures ?? [], [], JSON.stringify(news));
  }
  // Changes to existing ones: an in-place update, a replacement, a value unknown until apply.
  const accountNews = (await f.serviceAccount.check(account.inputs, { ...account.inputs, permissions: [...account.inputs.permissions, "AUDIT_LOGS_VIEW"] })).inputs;
  assert.equal((await f.serviceAccount.diff(account.id, account.outs, accountNews)).changes, true);
  const rotated = (await f.serviceAccount.check(account.inputs, { ...account.inputs, rotateSecret: UNKNOWN })).inputs;
  assert.deepEqual((await f.serviceAccount.diff(account.id, account.outs, rotated)).replaces, ["rotateSecret"]);
  const grantNews = (await f.workspacePermission.check(grant.inputs, { ...grant.inputs, permissions: ["EXECUTE", "VIEW"] })).inputs;
  assert.equal((await f.workspacePermission.diff(grant.id, grant.outs, grantNews)).changes, true);
  const runOlds = { ...(await f.taskExecution.check({}, { ...run, intentAt: 1 })).inputs, executionId: "e-1", status: "execution_successful" };
  const rerun = (await f.taskExecution.check(runOlds, { ...run, triggers: ["2"], intentAt: 2 })).inputs;
  assert.ok((await f.taskExecution.diff("e-1", runOlds, rerun)).replaces?.includes("triggers"));

  const sent = f.emulator.requests().slice(from);
  assert.ok(sent.length > 0, "preview reads what it checks against (names, the catalogue)");
  assert.deepEqual(sent.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`), [], "no request that changes anything");
});
