import assert from "node:assert/strict";
import { before, test } from "node:test";
import { type PulumiStack, e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const DB_PASSWORD = "db-password-PLANTED-4411";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";
const c = new pulumi.Config();
const runner = new talend.TaskRunner("ci", {
  name: "ci-runner",
  workspaces: [{ workspace: "ops", environment: "development" }, { workspace: "analytics", environment: "development" }],
  extraPermissions: c.get("extra") ? [c.get("extra")!] : [],
});
const seed = runner.run("seed", {
  task: c.require("task"), workspace: c.require("ws"), environment: "development",
  triggers: [c.require("trigger")], parameters: { password: c.requireSecret("dbPassword") }, pollIntervalSeconds: 0.2,
});
export const executionId = seed.executionId;
export const status = seed.status;
`;

const f = e2eFixture();
let stack: PulumiStack;
before(async () => {
  await f.ready();
  if (skip) return;
  stack = await f.stack({ program: PROGRAM, config: { task: "seed-database", ws: "ops", trigger: "1" }, secrets: { dbPassword: DB_PASSWORD } });
});

const starts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions");
const writes = () => f.emulator.requests().filter((r) => r.method !== "GET").length;
const set = async (values: Record<string, string>) => {
  for (const [k, v] of Object.entries(values)) await stack.run(["config", "set", k, v]);
};

const intentUrn = async () => {
  const state = await stack.exportState();
  return (state.deployment.resources as Array<{ urn: string }>).find((r) => /talend:TaskExecutionIntent::seed$/.test(r.urn))!.urn;
};

test("real CLI: TaskExecution runs exactly once per request, wherever the next apply runs", { skip, timeout: 900_000 }, async (t) => {
  await t.test("preview sends nothing that changes anything, and shows the run", async () => {
    const before = writes();
    const plan = await stack.preview();
    assert.equal(writes(), before, "no POST/PUT/DELETE during preview");
    assert.ok(plan.steps.some((s) => s.op === "create" && /TaskExecution::seed$/.test(s.urn)), "preview shows the run");
  });

  await t.test("up runs the task once, as the new account", async () => {
    await stack.up();
    assert.equal(starts().length, 1);
    assert.equal(starts()[0]!.principal.kind, "service-account");
    assert.equal((await stack.outputs()).status, "execution_successful");
  });

  await t.test("no change: preview shows none and up runs nothing", async () => {
    assert.deepEqual(Object.keys((await stack.preview()).changeSummary), ["same"]);
    await stack.up();
    assert.equal(starts().length, 1, "no rerun without a trigger change");
  });

  await t.test("preview = up: an account update shows only the account, not its run", async () => {
    await set({ extra: "AUDIT_LOGS_VIEW" });
    const plan = await stack.preview();
    const changed = plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
    assert.deepEqual(changed, ["update ci"], JSON.stringify(plan.steps.filter((s) => s.op !== "same")));
    const up = await stack.up();
    assert.match(up.stdout, /1 updated/);
    assert.doesNotMatch(up.stdout, /seed.*updated|updated.*seed/);
    assert.equal(starts().length, 1);
  });

  await t.test("a trigger change runs exactly once more, shown in preview as a replacement", async () => {
    await set({ trigger: "2" });
    const replan = await stack.preview();
    assert.ok(replan.steps.some((s) => s.op === "replace" && /TaskExecution::seed$/.test(s.urn)), "preview shows the rerun as a replacement");
    await stack.up();
    assert.equal(starts().length, 2);
  });

  await t.test("engine killed while the run is in flight: the next up on a fresh machine adopts it", async () => {
    await set({ task: "long-migration", trigger: "3" });
    const from = f.emulator.requests().at(-1)?.seq ?? 0;
    const { child, done } = stack.start(["up", "--yes", "--non-interactive", "--skip-preview"]);
    // Killed once the run has started and the provider waits for it: its first poll of the run after the POST.
    const started = await f.emulator.waitForRequest((r) => r.seq > from && r.method === "POST" && r.path === "/processing/executions", 180_000);
    assert.equal(started.status, 201, "the run was started");
    await f.emulator.waitForRequest((r) => r.seq > started.seq && r.method === "GET" && r.path.startsWith("/processing/executions/"), 60_000);
    process.kill(-(child.pid as number), "SIGKILL");
    await done;
    stack.reapOrphans(); // the whole apply is gone, provider host included
    const running = (f.emulator.state().executions.at(-1) as { executionId: string }).executionId;
    await stack.moveToFreshMachine(); // nothing of the dead apply's machine survives but the backend
    await stack.run(["cancel", "--yes", "--non-interactive"]); // the file backend keeps the dead update's lock
    f.emulator.clock.advance(3 * 3600_000); // the 2-hour migration finishes meanwhile
    await stack.up();
    assert.equal(starts().length, 3, "no duplicate run after the kill");
    const outs = await stack.outputs();
    assert.equal(outs.executionId, running, "adopted the run started before the kill");
    assert.equal(outs.status, "execution_successful");
  });

  let failedUp: { code: number | null; stdout: string };
  await t.test("a failed run fails the update with a diagnosis", async () => {
    await set({ task: "nightly-load", ws: "analytics", trigger: "4" });
    failedUp = await stack.up({ allowFailure: true });
    assert.notEqual(failedUp.code, 0);
    assert.match(failedUp.stdout, /ended execution_failed/);
    assert.match(failedUp.stdout, /NullPointerException at row 1042/);
    assert.match(failedUp.stdout, /execution id: [0-9a-f-]{36}/);
    assert.match(failedUp.stdout, /last log lines/);
    assert.equal(starts().length, 4);
  });

  await t.test("the second and third up keep failing, name both fixes, and run nothing", async () => {
    const urn = await intentUrn();
    for (const attempt of [2, 3]) {
      if (attempt === 3) await stack.refresh(); // a refresh clears the engine's record of the failed update
      const again = await stack.up({ allowFailure: true });
      assert.notEqual(again.code, 0, `up #${attempt} after the failure must fail too`);
      assert.match(again.stdout, /the task was not run again/);
      assert.match(again.stdout, /NullPointerException at row 1042/);
      assert.ok(again.stdout.includes(`pulumi up --replace '${urn}'`), "names the --replace fix with the exact URN");
      assert.match(again.stdout, /change `triggers`/);
      assert.equal(starts().length, 4, "a failed run is not repeated");
    }
    const state = await stack.exportState();
    const run = (state.deployment.resources as Array<{ urn: string; outputs?: { status?: string } }>).find((r) => /talend:TaskExecution::seed$/.test(r.urn))!;
    assert.equal(run.outputs?.status, "execution_failed", "state keeps the failed run");
  });

  await t.test("pulumi up --replace of the request runs the task exactly once more", async () => {
    await set({ task: "seed-database", ws: "ops" });
    // The task and workspace changed without rerunOnChange: no new run by themselves; --replace asks for one.
    await stack.up({ args: ["--replace", await intentUrn()] });
    assert.equal(starts().length, 5);
    assert.equal((await stack.outputs()).status, "execution_successful");
    await stack.up();
    assert.equal(starts().length, 5, "and only once");
  });

  await t.test("a long run prints its progress at least once per 30 s of the run's time", async () => {
    f.emulator.admin.addTask({ name: "quarterly-report", workspace: "ops", environment: "development", run: { dispatchSeconds: 1, durationSeconds: 300, outcome: "success", logLines: ["Aggregating"] } });
    await set({ task: "quarterly-report", trigger: "6" });
    // Each poll of a run moves Talend's clock 20 s: the 5-minute run passes in 15 polls, however slow this machine.
    const stop = f.emulator.onRequest((r) => {
      if (r.method === "GET" && /^\/processing\/executions\/[^/]+$/.test(r.path)) f.emulator.clock.advance(20_000);
    });
    let result: { stdout: string; stderr: string };
    try {
      result = await stack.up();
    } finally {
      stop();
    }
    const lines = (result.stdout + result.stderr).split("\n").filter((l) => /talend: TaskExecution seed: /.test(l));
    const elapsed = lines.map((l) => /for (\d+)m(\d\d)s/.exec(l)).filter(Boolean).map((m) => Number(m![1]) * 60 + Number(m![2]));
    assert.ok(lines.some((l) => /: executing for \d+m\d\ds \(execution [0-9a-f-]{36}\)/.test(l)), `lines name the resource, status, elapsed time and execution:\n${lines.join("\n")}`);
    assert.ok(lines.some((l) => /: execution_successful/.test(l)), "and the final status");
    // Talend's time comes from Date headers, which have whole seconds: the provider's reading trails it by < 1 s.
    assert.ok(elapsed.at(-1)! >= 299, `the last line comes at the end of the run: ${elapsed.join(", ")}`);
    const gaps = elapsed.slice(1).map((s, k) => s - elapsed[k]!);
    assert.ok(gaps.every((g) => g <= 30), `no 30 s of the run without a line: ${elapsed.join(", ")}`);
  });

  await t.test("destroy: finished runs are not cancelled; the account and grants are gone", async () => {
    await stack.destroy();
    assert.equal(f.emulator.requests().filter((r) => r.method === "DELETE" && r.path.startsWith("/processing/executions")).length, 0);
    assert.equal(f.emulator.state().serviceAccounts.length, 0);
  });

  await t.test("no secret value anywhere: the secret parameter, the PAT, the account's secret", async () => {
    assert.ok(f.secrets().length >= 3, "the PAT, the parameter and the account's secret are known to the check");
    f.assertNoSecrets(f.printed(stack), "what the CLI printed");
    f.assertNoSecrets(stack.stateText(), "the backend's files");
  });
});
