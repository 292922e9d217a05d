import assert from "node:assert/strict";
import { test } from "node:test";
import type { TalendError } from "../../sdk";
import { taskId, workspaceId } from "../helpers/emulator-ids";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();

test("get, list by workspace and findByName: one task by its exact name in one workspace", async () => {
  const ops = workspaceId(e.emulator, "ops", "development");
  const id = taskId(e.emulator, "seed-database", "ops", "development");
  assert.deepEqual((await e.client.tasks.list({ workspaceId: ops })).map((t) => t.name).sort(), ["long-migration", "seed-database"]);
  const task = await e.client.tasks.get(id);
  assert.deepEqual([task.id, task.name, task.workspace?.id], [id, "seed-database", ops]);
  const found = await e.client.tasks.findByName("seed-database", { id: ops, name: "ops", environment: { name: "development" } });
  assert.equal(found.executable, id);
  await assert.rejects(e.client.tasks.findByName("seed-databse", { id: ops, name: "ops", environment: { name: "development" } }), (err: TalendError) => {
    assert.equal(err.code, "not-found");
    assert.match(err.message, /no task named "seed-databse" in workspace "ops" of environment "development" \[[0-9a-f]{24}\] found\nFix: did you mean "seed-database"\?/);
    return true;
  });
  await assert.rejects(e.client.tasks.get("000000000000000000000000"), (err: TalendError) => err.code === "not-found");
});

test("a listing longer than a page is read page by page, to the end", async () => {
  for (let i = 0; i < 130; i++) e.emulator.admin.addTask({ name: `bulk-${String(i).padStart(3, "0")}`, workspace: "analytics", environment: "development" });
  const analytics = workspaceId(e.emulator, "analytics", "development");
  const from = e.emulator.requests().length;
  const names = (await e.client.tasks.list({ workspaceId: analytics })).map((t) => t.name);
  assert.equal(names.filter((n) => n.startsWith("bulk-")).length, 130);
  assert.equal(new Set(names).size, names.length, "no task twice");
  assert.deepEqual(e.emulator.requests().slice(from).map((r) => r.query.offset), ["0", "100"], "two pages");
});
