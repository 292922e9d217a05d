import assert from "node:assert/strict";
import { test } from "node:test";
import type { TalendError } from "../../sdk";
import { taskId } from "../helpers/emulator-ids";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();

test("a failed run's log: tail gives the last lines oldest first, page reads from either end", async () => {
  const { executionId } = await e.client.executions.start({ executable: taskId(e.emulator, "nightly-load", "analytics", "development") });
  e.emulator.clock.advance(60_000);
  assert.equal((await e.client.executions.get(executionId)).status, "execution_failed");
  const tail = await e.client.executionLogs.tail(executionId, 3);
  assert.equal(tail.length, 3);
  assert.match(tail.at(-1)!.logMessage, /NullPointerException at row 1042/, "the last line is the failure");
  const ascending = await e.client.executionLogs.page(executionId, { order: "ASC", count: 200 });
  assert.deepEqual(ascending.data.slice(-3).map((l) => l.logMessage), tail.map((l) => l.logMessage), "tail = the end of the log, in order");
  assert.equal(ascending.totalSize, ascending.data.length);
  await assert.rejects(e.client.executionLogs.tail("00000000-0000-4000-8000-000000000000"), (err: TalendError) => err.code === "not-found");
});
