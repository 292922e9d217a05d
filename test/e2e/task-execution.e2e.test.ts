import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { PulumiStack, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const DB_PASSWORD = "db-password-PLANTED-4411";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";
const c = new pulumi.Config();
const runner = new talend.TaskRunner("ci", {
  name: "ci-runner",
  workspaces: [{ workspace: "ops", environment: "development" }, { workspace: "analytics", environment: "development" }],
});
const seed = runner.run("seed", {
  task: c.require("task"), workspace: c.require("ws"), environment: "development",
  triggers: [c.require("trigger")], parameters: { password: c.requireSecret("dbPassword") }, pollIntervalSeconds: 0.2,
});
export const executionId = seed.executionId;
export const status = seed.status;
`;

let emulator: TalendEmulator;
let stack: PulumiStack;
before(async () => {
  if (skip) return;
  emulator = await startEmulator();
  stack = await PulumiStack.create({
    program: PROGRAM,
    config: { "talend:endpoint": emulator.url, task: "seed-database", ws: "ops", trigger: "1" },
    secrets: { "talend:token": "emulator-admin-pat", dbPassword: DB_PASSWORD },
  });
});
after(async () => {
  stack?.dispose();
  await emulator?.close();
});

const starts = () => emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions");
const writes = () => emulator.requests().filter((r) => r.method !== "GET").length;
const set = async (values: Record<string, string>) => {
  for (const [k, v] of Object.entries(values)) await stack.run(["config", "set", k, v]);
};

test("real CLI: runs once, never in preview, again only on a trigger change; adopts after a kill; keeps failures", { skip, timeout: 600_000 }, async () => {
  // Preview sends nothing that changes anything, and says a run will happen.
  const before = writes();
  const plan = await stack.preview();
  assert.equal(writes(), before, "no POST/PUT/DELETE during preview");
  assert.ok(plan.steps.some((s) => s.op === "create" && /TaskExecution::seed$/.test(s.urn)), "preview shows the run");

  // up: exactly one run, as the new account, successful.
  await stack.up();
  assert.equal(starts().length, 1);
  assert.equal(starts()[0]!.principal.kind, "service-account");
  let outs = await stack.outputs();
  assert.equal(outs.status, "execution_successful");
  const accountSecret = emulator.state().serviceAccounts[0]!.secret;

  // No change → no run (and preview shows no change).
  assert.deepEqual(Object.keys((await stack.preview()).changeSummary), ["same"]);
  await stack.up();
  assert.equal(starts().length, 1, "no rerun without a trigger change");

  // Trigger change → exactly one new run.
  await set({ trigger: "2" });
  const replan = await stack.preview();
  assert.ok(replan.steps.some((s) => s.op === "replace" && /TaskExecution::seed$/.test(s.urn)), "preview shows the rerun as a replacement");
  await stack.up();
  assert.equal(starts().length, 2);

  // The engine dies while waiting: the next up adopts the run instead of starting another.
  await set({ task: "long-migration", trigger: "3" });
  const { child, done } = stack.start(["up", "--yes", "--non-interactive", "--skip-preview"]);
  while (starts().length < 3) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  process.kill(-(child.pid as number), "SIGKILL");
  await done;
  stack.reapOrphans(); // the whole apply is gone, provider host included
  const started = (emulator.state().executions.at(-1) as { executionId: string }).executionId;
  await stack.run(["cancel", "--yes", "--non-interactive"]); // the file backend keeps the dead update's lock
  emulator.clock.advance(3 * 3600_000); // the 2-hour migration finishes meanwhile
  await stack.up();
  assert.equal(starts().length, 3, "no duplicate run after the kill");
  outs = await stack.outputs();
  assert.equal(outs.executionId, started, "adopted the run started before the kill");
  assert.equal(outs.status, "execution_successful");

  // A failed run fails the update with a diagnosis; the next up does not run it again.
  await set({ task: "nightly-load", ws: "analytics", trigger: "4" });
  const failed = await stack.up({ allowFailure: true });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stdout, /ended execution_failed/);
  assert.match(failed.stdout, /NullPointerException at row 1042/);
  assert.match(failed.stdout, /execution id: [0-9a-f-]{36}/);
  assert.match(failed.stdout, /last log lines/);
  assert.equal(starts().length, 4);
  const again = await stack.up();
  assert.equal(again.code, 0);
  assert.equal(starts().length, 4, "a failed run is not repeated");
  assert.equal((await stack.outputs()).status, "execution_failed");

  // Destroy: finished runs are not cancelled; the account and grants are gone.
  await stack.destroy();
  assert.equal(emulator.requests().filter((r) => r.method === "DELETE" && r.path.startsWith("/processing/executions")).length, 0);
  assert.equal(emulator.state().serviceAccounts.length, 0);

  // The secret parameter and the account secret never appear in plaintext.
  const text = stack.stateText() + stack.transcript.join("\n");
  assert.ok(!text.includes(DB_PASSWORD), "secret parameter leaked");
  assert.ok(!text.includes("emulator-admin-pat"), "PAT leaked");
  assert.ok(!text.includes(accountSecret), "client secret leaked");
});
