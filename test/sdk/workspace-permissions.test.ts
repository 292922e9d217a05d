import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { TalendError } from "../../sdk";
import { workspaceId } from "../helpers/emulator-ids";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();
let account: string;
let other: string;
before(async () => {
  await e.ready();
  account = (await e.client.serviceAccounts.create({ name: "sdk-wp", permissions: [] })).id;
  other = (await e.client.serviceAccounts.create({ name: "sdk-wp-other", permissions: [] })).id;
});
const live = (ws: string, sa: string) => e.emulator.state().workspacePermissions.find((g) => g.workspaceId === ws && g.serviceAccountId === sa)?.permissions;

test("lifecycle of one (workspace, account) pair: create, get, replace, search, delete, then 404; other accounts untouched", async () => {
  const { client } = e;
  const ws = workspaceId(e.emulator, "ops", "development");
  e.emulator.admin.setWorkspacePermission(ws, other, ["VIEW"]);

  await client.workspacePermissions.create(ws, account, ["EXECUTE"]);
  assert.deepEqual(await client.workspacePermissions.get(ws, account), { workspaceId: ws, userId: account, permissions: ["EXECUTE"] });
  await assert.rejects(client.workspacePermissions.create(ws, account, ["VIEW"]), (err: TalendError) => err.code === "grant-exists" && err.status === 409);
  assert.deepEqual(live(ws, account), ["EXECUTE"], "the refused create changed nothing");

  await client.workspacePermissions.replace(ws, account, ["EXECUTE", "VIEW"]);
  assert.deepEqual(live(ws, account)?.sort(), ["EXECUTE", "VIEW"]);
  assert.deepEqual((await client.workspacePermissions.search({ serviceAccountId: account })).map((g) => g.workspaceId), [ws]);
  assert.deepEqual((await client.workspacePermissions.search({ workspaceId: ws })).map((g) => g.userId).sort(), [account, other].sort());

  await client.workspacePermissions.delete(ws, account);
  assert.equal(live(ws, account), undefined);
  await assert.rejects(client.workspacePermissions.get(ws, account), (err: TalendError) => err.code === "not-found");
  await assert.rejects(client.workspacePermissions.replace(ws, account, ["VIEW"]), (err: TalendError) => err.status === 404, "replace does not create");
  await assert.rejects(client.workspacePermissions.delete(ws, account), (err: TalendError) => err.status === 404);
  assert.deepEqual(live(ws, other), ["VIEW"], "another account's grant on the workspace is untouched");
});

test("an empty or unknown permission list is refused before anything is sent", async () => {
  const ws = workspaceId(e.emulator, "analytics", "development");
  const sent = e.emulator.requests().length;
  await assert.rejects(e.client.workspacePermissions.create(ws, account, []));
  await assert.rejects(e.client.workspacePermissions.replace(ws, account, ["RUN" as never]));
  assert.equal(e.emulator.requests().length, sent);
});
