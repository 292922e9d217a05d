import assert from "node:assert/strict";
import { test } from "node:test";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const f = e2eFixture();

// What 0.1.0's TaskRunner registered: its own type token, grants named by position. Written out here with
// today's resources, so the test needs no old package; the resources' own state is checked by the provider tests.
const OLD = `
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";
class OldRunner extends pulumi.ComponentResource {
  constructor(name: string) {
    super("talend:index:TaskRunner", name, {});
    const sa = new talend.ServiceAccount(name, { name: "ci-runner", permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] }, { parent: this });
    new talend.WorkspacePermission(name + "-ws0", { serviceAccountId: sa.clientId, workspace: "ops", environment: "development", permissions: ["EXECUTE"] }, { parent: this });
    new talend.WorkspacePermission(name + "-ws1", { serviceAccountId: sa.clientId, workspace: "analytics", environment: "development", permissions: ["EXECUTE"] }, { parent: this });
  }
}
new OldRunner("ci");
`;
const NEW = (order: string[]) => `
import * as talend from "pulumi-talend";
new talend.TaskRunner("ci", { name: "ci-runner", workspaces: ${JSON.stringify(order.map((w) => ({ workspace: w, environment: "development" })))} })`;

test("real CLI: a TaskRunner from 0.1.0 keeps its account and grants; reordering workspaces changes nothing", { skip, timeout: 300_000 }, async (t) => {
  const s = await f.stack({ program: OLD });
  await s.up();
  const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;

  await t.test("the new type token and grant names map onto the old state: nothing is replaced", async () => {
    s.writeProgram(NEW(["ops", "analytics"]));
    const plan = await s.preview();
    const touched = plan.steps.filter((step) => !["same", "create"].includes(step.op)).map((step) => `${step.op} ${step.urn.split("::").pop()}`);
    assert.deepEqual(touched, [], JSON.stringify(plan.changeSummary));
    const before = mutations();
    await s.up();
    assert.equal(mutations(), before, "no request changes Talend");
  });

  await t.test("grants are keyed by workspace: reordering them is no change", async () => {
    s.writeProgram(NEW(["analytics", "ops"]));
    assert.deepEqual(Object.keys((await s.preview()).changeSummary), ["same"]);
  });

  const starts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").length;
  const withRun = (name: string, opts = "") => `${NEW(["ops", "analytics"])}.run(${JSON.stringify(name)}, { task: "seed-database", workspace: "ops", environment: "development", triggers: ["1"], pollIntervalSeconds: 0.2 }${opts});`;
  await t.test("renaming a run with an alias keeps its request: the task does not run again", async () => {
    s.writeProgram(withRun("seed"));
    await s.up();
    assert.equal(starts(), 1);
    s.writeProgram(withRun("seed-v2", ', { aliases: [{ name: "seed" }] }'));
    const plan = await s.preview();
    assert.deepEqual(Object.keys(plan.changeSummary), ["same"], JSON.stringify(plan.changeSummary));
    await s.up();
    assert.equal(starts(), 1);
  });
});
