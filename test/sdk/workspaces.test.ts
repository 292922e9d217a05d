import assert from "node:assert/strict";
import { test } from "node:test";
import type { TalendError } from "../../sdk";
import { workspaceId } from "../helpers/emulator-ids";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();

test("list by environment and getByName: the same name in two environments is two workspaces", async () => {
  const dev = await e.client.environments.getByName("development");
  assert.deepEqual((await e.client.workspaces.list({ environmentId: dev.id })).map((w) => w.name).sort(), ["analytics", "ops"]);
  const opsDev = await e.client.workspaces.getByName("ops", "development");
  const opsProd = await e.client.workspaces.getByName("ops", "production");
  assert.deepEqual([opsDev.id, opsProd.id], [workspaceId(e.emulator, "ops", "development"), workspaceId(e.emulator, "ops", "production")]);
  assert.equal(opsProd.environment.name, "production");
  await assert.rejects(e.client.workspaces.getByName("analytics", "production"), (err: TalendError) => err.code === "not-found" && /no workspace named "analytics" in environment "production"/.test(err.message));
});

test("names with FIQL metacharacters never reach a query: lookups match exactly, client-side", async () => {
  const before = e.emulator.requests().length;
  for (const name of ["ops;name==analytics", "ops,name==*", "o*", '"ops"', "ops)(", "../ops"]) {
    await assert.rejects(e.client.workspaces.getByName(name, "development"), /no workspace named/);
  }
  const queries = e.emulator.requests().slice(before).map((r) => r.query.query).filter(Boolean);
  assert.ok(queries.length > 0);
  for (const q of queries) assert.match(q!, /^environment\.id==[0-9a-f]{24}$/, "only a Talend-generated id is ever put in FIQL");
  assert.equal((await e.client.workspaces.getByName("ops", "development")).name, "ops");
});
