import assert from "node:assert/strict";
import { test } from "node:test";
import { type TalendError, isFinished, isSuccessful } from "../../sdk";
import { taskId, workspaceId } from "../helpers/emulator-ids";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();

test("lifecycle of a run: start, get as it moves from dispatching to its end, then in the task's history", async () => {
  const task = taskId(e.emulator, "seed-database", "ops", "development");
  const from = e.emulator.clock.now();
  const { executionId } = await e.client.executions.start({ executable: task, parameters: { mode: "full" } });
  const first = await e.client.executions.get(executionId);
  assert.deepEqual([first.status, isFinished(first.status)], ["dispatching", false]);
  e.emulator.clock.advance(2_000);
  assert.equal((await e.client.executions.get(executionId)).status, "executing");
  e.emulator.clock.advance(10_000);
  const done = await e.client.executions.get(executionId);
  assert.deepEqual([done.status, isFinished(done.status), isSuccessful(done.status)], ["execution_successful", true, true]);
  const history = await e.client.executions.history(task, { from });
  assert.deepEqual(history.items.map((run) => run.executionId), [executionId]);
  assert.equal(e.emulator.state().executions.find((x) => x.executionId === executionId)?.parameters.mode, "full");
});

test("cancel: a running run ends terminated; a finished one cannot be cancelled (400); an unknown id is 404", async () => {
  const { executionId } = await e.client.executions.start({ executable: taskId(e.emulator, "long-migration", "ops", "development") });
  await e.client.executions.cancel(executionId);
  const cancelled = await e.client.executions.get(executionId);
  assert.deepEqual([cancelled.status, isSuccessful(cancelled.status)], ["terminated", false]);
  await assert.rejects(e.client.executions.cancel(executionId), (err: TalendError) => err.status === 400 && err.code === "invalid-request");
  await assert.rejects(e.client.executions.get("00000000-0000-4000-8000-000000000000"), (err: TalendError) => err.code === "not-found");
});

test("a service account without 'Tasks and Plans - Edit' is refused (403), the error says which account; nothing starts", async () => {
  const sa = await e.client.serviceAccounts.create({ name: "sdk-runner-weak", permissions: ["TMC_ENGINE_USE"] });
  e.emulator.admin.setWorkspacePermission(workspaceId(e.emulator, "ops", "development"), sa.id, ["EXECUTE"]);
  const runner = e.client.asServiceAccount(sa.id, sa.secret);
  const runs = e.emulator.state().executions.length;
  await assert.rejects(runner.executions.start({ executable: taskId(e.emulator, "seed-database", "ops", "development") }), (err: TalendError) => {
    assert.deepEqual([err.status, err.code, err.serviceAccountId], [403, "missing-permission", sa.id]);
    return true;
  });
  assert.equal(e.emulator.state().executions.length, runs);
});
