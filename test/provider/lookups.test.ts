import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { getEnvironment, getPermissionCatalog, getTask, getWorkspace } from "../../provider/lookups";
import { resetProgramContext } from "../../provider/program-context";
import { exactlyOne } from "../../sdk/find-by-name";

let emu: TalendEmulator;
before(async () => {
  emu = await startEmulator();
  // Outside a Pulumi program, lookups fall back to the environment, like the provider.
  process.env.TALEND_ENDPOINT = emu.url;
  process.env.TALEND_TOKEN = "emulator-admin-pat";
  resetProgramContext();
});
after(async () => {
  delete process.env.TALEND_ENDPOINT;
  delete process.env.TALEND_TOKEN;
  resetProgramContext();
  await emu.close();
});

test("lookups find exactly one object, and say what exists when they find none or several", async () => {
  assert.equal((await getEnvironment({ name: "production" })).name, "production");
  const ws = await getWorkspace({ name: "ops", environment: "production" });
  assert.equal(ws.environment.name, "production");
  const t = await getTask({ name: "seed-database", workspace: "ops", environment: "production" });
  assert.equal(t.workspaceId, ws.id);
  assert.equal(t.environmentId, ws.environment.id);
  await assert.rejects(getEnvironment({ name: "staging" }), /no environment named "staging" found[^]*development, production/);
  await assert.rejects(getTask({ name: "nope", workspace: "ops", environment: "development" }), /no task named "nope"[^]*seed-database/);
  const catalog = await getPermissionCatalog();
  assert.equal(catalog.tasksAndPlansEdit, "TMC_TASKS_AND_PLANS_EDIT");
  assert.ok(catalog.ids.includes("TMC_ENGINE_USE"));
});

test("two workspaces of the same name are told apart by environment; several matches are an error, not a guess", async () => {
  const dev = await getWorkspace({ name: "ops", environment: "development" });
  const prod = await getWorkspace({ name: "ops", environment: "production" });
  assert.notEqual(dev.id, prod.id);
  assert.throws(() => exactlyOne([dev, prod], 'workspace named "ops"', () => []), /2 matches for workspace named "ops"[^]*narrow it down/);
});
