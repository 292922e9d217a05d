import assert from "node:assert/strict";
import { test } from "node:test";
import type { TalendError } from "../../sdk";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();
const live = (id: string) => e.emulator.state().serviceAccounts.find((a) => a.id === id);

test("lifecycle: create returns the secret once; get, list and findByName read it back; update replaces name and permissions; delete, then 404", async () => {
  const { client } = e;
  const created = await client.serviceAccounts.create({ name: "sdk-sa", permissions: ["TMC_ENGINE_USE"] });
  assert.equal(created.secret, live(created.id)?.secret, "the secret Talend generated");
  assert.deepEqual([created.name, created.permissions], ["sdk-sa", ["TMC_ENGINE_USE"]]);
  assert.equal((await client.serviceAccounts.get(created.id)).name, "sdk-sa");
  assert.ok((await client.serviceAccounts.list()).some((a) => a.id === created.id));
  assert.equal((await client.serviceAccounts.findByName("sdk-sa"))?.id, created.id);
  assert.equal(await client.serviceAccounts.findByName("sdk-no-such-account"), undefined);

  const updated = await client.serviceAccounts.update(created.id, { name: "sdk-sa-renamed", permissions: ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"] });
  assert.equal(updated.id, created.id, "in place");
  assert.deepEqual([live(created.id)?.name, live(created.id)?.permissions.sort()], ["sdk-sa-renamed", ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"]]);

  await client.serviceAccounts.delete(created.id);
  assert.equal(live(created.id), undefined);
  await assert.rejects(client.serviceAccounts.get(created.id), (err: TalendError) => err.code === "not-found" && err.status === 404);
  await assert.rejects(client.serviceAccounts.delete(created.id), (err: TalendError) => err.code === "not-found");
});

test("a name in use is a 409 with code name-taken, and creates nothing", async () => {
  await e.client.serviceAccounts.create({ name: "sdk-taken", permissions: [] });
  const before = e.emulator.state().serviceAccounts.length;
  await assert.rejects(e.client.serviceAccounts.create({ name: "sdk-taken", permissions: [] }), (err: TalendError) => err.code === "name-taken" && err.status === 409);
  assert.equal(e.emulator.state().serviceAccounts.length, before);
});

test("the permission catalogue is the tenant's list of IDs an account may hold", async () => {
  assert.deepEqual(await e.client.serviceAccounts.permissionCatalog(), e.emulator.state().catalog);
});
