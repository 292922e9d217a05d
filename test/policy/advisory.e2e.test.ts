// The pack's advisory rules through the real CLI: `pulumi up` warns and applies (exit 0); the pack's standard
// configuration makes a rule mandatory or allow-lists what it reports.
import assert from "node:assert/strict";
import { test } from "node:test";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";
import { summary, violations, withPack } from "./support";

const skip = pulumiCli().reason;
const f = e2eFixture();

/** Each advisory rule broken once, and no mandatory rule. */
const PROGRAM = `import * as talend from "pulumi-talend";

const runner = new talend.ServiceAccount("runner", { name: "adv-runner", permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT", "EXECUTION_LOGS_DELETE"] });
new talend.ServiceAccount("idle", { name: "adv-idle", permissions: ["TMC_ENGINE_USE"] });
const ops = new talend.WorkspacePermission("runner-ops", { serviceAccountId: runner.clientId, workspace: "ops", environment: "development", permissions: ["EXECUTE"] });
new talend.WorkspacePermission("runner-analytics", { serviceAccountId: runner.clientId, workspace: "analytics", environment: "development", permissions: ["EXECUTE"] });
new talend.TaskExecution("once", { task: "seed-database", workspace: "ops", environment: "development", clientId: runner.clientId, clientSecret: runner.clientSecret, waitForCompletion: false }, { dependsOn: [ops] });
new talend.TaskExecution("as-token", { task: "seed-database", workspace: "ops", environment: "development", triggers: ["1"], waitForCompletion: false });
`;

const EXPECTED: Array<[string, string, RegExp]> = [
  ["talend-account-deletes-logs", "runner", /^ServiceAccount "runner" \(Talend name "adv-runner"\) holds EXECUTION_LOGS_DELETE, .*: remove it, or allow-list "adv-runner" in allowedAccounts of talend-account-deletes-logs\.$/],
  ["talend-execute-needs-run", "runner-analytics", /^WorkspacePermission "runner-analytics" grants EXECUTE on workspace "development\/analytics" to ServiceAccount "runner", but the stack runs no task as that account there: remove EXECUTE, .*allow-list "development\/analytics" in allowedWorkspaces of talend-execute-needs-run\.$/],
  ["talend-run-as-service-account", "as-token", /^TaskExecution "as-token" runs with the provider's token \(talend:token\): run it as a service account, /],
  ["talend-run-has-triggers", "once", /^TaskExecution "once" has no triggers, so it runs once, on the first up, and never again: set triggers /],
  ["talend-unused-account", "idle", /^ServiceAccount "idle" \(Talend name "adv-idle"\) has no grant and no run in this stack, an unused credential: delete it, grant it what it needs, or allow-list "adv-idle" in allowedAccounts of talend-unused-account/],
];

test("up with its preview: each advisory rule warns, names the resource and the fix, and the stack is applied", { skip, timeout: 300_000 }, async () => {
  const s = await f.stack({ program: PROGRAM });
  const r = await withPack(s, "up");
  assert.equal(r.code, 0, summary(r));
  const found = violations(r);
  assert.ok(found.every((v) => v.level === "advisory"), summary(r));
  const distinct = [...new Map(found.map((v) => [`${v.policy} ${v.resource}`, v])).values()].sort((a, b) => a.policy.localeCompare(b.policy));
  assert.deepEqual(distinct.map((v) => [v.policy, v.resource]), EXPECTED.map(([p, res]) => [p, res]), summary(r));
  for (const [i, [, , message]] of EXPECTED.entries()) assert.match(distinct[i]!.message, message);
  const names = f.emulator.state().serviceAccounts.map((a) => a.name);
  assert.ok(names.includes("adv-runner") && names.includes("adv-idle"), "advisory rules do not stop the update");

  // The pack's standard configuration: an enforcement level per rule, and allow-lists.
  const configured = await withPack(s, "preview", { "talend-run-has-triggers": "mandatory", "talend-unused-account": { allowedAccounts: ["adv-idle"] } });
  assert.notEqual(configured.code, 0, summary(configured));
  const after = violations(configured);
  assert.deepEqual(after.filter((v) => v.level === "mandatory").map((v) => [v.policy, v.resource]), [["talend-run-has-triggers", "once"]], summary(configured));
  assert.ok(!after.some((v) => v.policy === "talend-unused-account"), "adv-idle is allow-listed");
});
