import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DOCUMENTED_CATALOG, type TalendEmulator, startEmulator } from "../../emulator";
import { ADMIN, EDIT, VIEWER, assertSaError, call, conforms, createAccount, mint } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(() => emu.close());

const SA = "/account/service-accounts";
const ONE = "/account/service-accounts/{id}";

test("create returns 201, a Location header, the id (UUID) and the secret, once", async () => {
  const r = await conforms(emu, "POST", SA, SA, 201, { token: ADMIN, body: { name: "create-me", permissions: ["TMC_ENGINE_USE", EDIT] } });
  assert.match(r.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(typeof r.body.secret, "string");
  assert.ok(r.body.secret.length >= 20);
  assert.deepEqual(r.body.permissions, ["TMC_ENGINE_USE", EDIT]);
  assert.equal(r.headers.get("location"), `${emu.url}/account/service-accounts/${r.body.id}`);
  const got = await conforms(emu, "GET", `${SA}/${r.body.id}`, ONE, 200, { token: ADMIN });
  assert.equal(got.body.secret, undefined, "never shown after creation");
  assert.equal(got.body.name, "create-me");
  const listed = await conforms(emu, "GET", SA, SA, 200, { token: ADMIN });
  assert.ok(Array.isArray(listed.body));
  assert.ok(listed.body.some((a: { id: string }) => a.id === r.body.id));
  assert.ok(listed.body.every((a: { secret?: string }) => a.secret === undefined));
});

test("create errors: 409 {status, detail} on a duplicate name, 400 on unknown permissions or a missing name", async () => {
  await createAccount(emu, "dup");
  const dup = await conforms(emu, "POST", SA, SA, 409, { token: ADMIN, body: { name: "dup", permissions: [] } });
  assertSaError(dup, 409);
  const unknown = await conforms(emu, "POST", SA, SA, 400, { token: ADMIN, body: { name: "x", permissions: ["TMC_ENGINE_USE", "NOT_A_PERMISSION"] } });
  assertSaError(unknown, 400);
  assert.match(unknown.body.detail, /NOT_A_PERMISSION/);
  assertSaError(await conforms(emu, "POST", SA, SA, 400, { token: ADMIN, body: { permissions: [] } }), 400);
  assertSaError(await conforms(emu, "POST", SA, SA, 400, { token: ADMIN, body: { name: "   ", permissions: [] } }), 400);
  assertSaError(await call(emu, "POST", SA, { token: ADMIN, raw: "{not json" }), 400);
  assert.equal(emu.state().serviceAccounts.filter((a) => a.name === "x").length, 0, "nothing created by a rejected request");
});

test("PUT replaces name and permissions in full; 409 on a name clash; 404 when unknown", async () => {
  const a = await createAccount(emu, "put-a", ["TMC_ENGINE_USE", "AUDIT_LOGS_VIEW"]);
  await createAccount(emu, "put-b");
  const createdDate = emu.state().serviceAccounts.find((x) => x.id === a.id)!.createdDate;
  emu.clock.advance(1000);
  const r = await conforms(emu, "PUT", `${SA}/${a.id}`, ONE, 200, { token: ADMIN, body: { name: "put-a2", permissions: ["TMC_OPERATOR"] } });
  assert.deepEqual([r.body.name, r.body.permissions, r.body.secret], ["put-a2", ["TMC_OPERATOR"], undefined]);
  assert.equal(r.body.createdDate, createdDate);
  assert.ok(Date.parse(r.body.lastModifiedDate) > Date.parse(createdDate));
  assertSaError(await conforms(emu, "PUT", `${SA}/${a.id}`, ONE, 409, { token: ADMIN, body: { name: "put-b", permissions: [] } }), 409);
  assertSaError(await conforms(emu, "PUT", `${SA}/nope`, ONE, 404, { token: ADMIN, body: { name: "z", permissions: [] } }), 404);
  assertSaError(await conforms(emu, "PUT", `${SA}/${a.id}`, ONE, 400, { token: ADMIN, body: { name: "put-a2", permissions: ["BOGUS"] } }), 400);
  assert.equal(emu.state().serviceAccounts.find((x) => x.id === a.id)!.name, "put-a2");
  // Keeping its own name is not a clash.
  await conforms(emu, "PUT", `${SA}/${a.id}`, ONE, 200, { token: ADMIN, body: { name: "put-a2", permissions: [] } });
});

test("DELETE: 204, then 404; it removes the account's workspace permissions and revokes its tokens", async () => {
  const a = await createAccount(emu, "del-me", ["TMC_ENGINE_USE"]);
  const ws = emu.state().workspaces[0]!.id;
  emu.admin.setWorkspacePermission(ws, a.id, ["EXECUTE"]);
  const token = await mint(emu, a);
  assert.equal((await call(emu, "GET", "/orchestration/environments", { token })).status, 200);
  await conforms(emu, "DELETE", `${SA}/${a.id}`, ONE, 204, { token: ADMIN });
  assert.equal(emu.state().workspacePermissions.some((p) => p.serviceAccountId === a.id), false);
  assert.equal((await call(emu, "GET", "/orchestration/environments", { token })).status, 401, "its token is revoked");
  assertSaError(await conforms(emu, "DELETE", `${SA}/${a.id}`, ONE, 404, { token: ADMIN }), 404);
  assertSaError(await conforms(emu, "GET", `${SA}/${a.id}`, ONE, 404, { token: ADMIN }), 404);
});

test("the catalogue: documented IDs plus the Tasks-and-Plans-Edit invention; authentication only", async () => {
  const r = await conforms(emu, "GET", "/account/service-accounts/permissions", "/account/service-accounts/permissions", 200, { token: VIEWER });
  for (const id of [...DOCUMENTED_CATALOG, EDIT]) assert.ok(r.body.includes(id), id);
  assert.equal(new Set(r.body).size, r.body.length);
  assert.equal((await call(emu, "GET", "/account/service-accounts/permissions")).status, 401);
});

test("a custom tasksAndPlansEditPermission is what the catalogue lists and what create accepts", async () => {
  const other = await startEmulator({ tasksAndPlansEditPermission: "TMC_TASK_PLAN_EDIT_X" });
  try {
    const cat = (await call(other, "GET", "/account/service-accounts/permissions", { token: ADMIN })).body as string[];
    assert.ok(cat.includes("TMC_TASK_PLAN_EDIT_X"));
    assert.equal(cat.includes(EDIT), false);
    assert.equal((await call(other, "POST", SA, { token: ADMIN, body: { name: "x", permissions: ["TMC_TASK_PLAN_EDIT_X"] } })).status, 201);
  } finally {
    await other.close();
  }
});

test("count: {tenantId, count}; its 401 is the Error the spec declares through a shared response", async () => {
  const r = await conforms(emu, "GET", "/account/service-accounts/count", "/account/service-accounts/count", 200, { token: ADMIN });
  assert.equal(r.body.count, emu.state().serviceAccounts.length);
  assert.equal(r.body.tenantId, emu.state().tenantId);
  await conforms(emu, "GET", "/account/service-accounts/count", "/account/service-accounts/count", 401);
});

test("authorization: 401 without or with a bad token, 403 {status, detail} without TMC_SERVICE_ACCOUNT_MANAGEMENT", async () => {
  for (const [method, path] of [["GET", SA], ["POST", SA], ["GET", `${SA}/x`], ["PUT", `${SA}/x`], ["DELETE", `${SA}/x`], ["GET", `${SA}/count`]] as const) {
    assertSaError(await call(emu, method, path, { body: method === "POST" || method === "PUT" ? { name: "n", permissions: [] } : undefined }), 401);
    assertSaError(await call(emu, method, path, { token: "not-a-token", body: method === "POST" || method === "PUT" ? { name: "n", permissions: [] } : undefined }), 401);
    assertSaError(await call(emu, method, path, { token: VIEWER, body: method === "POST" || method === "PUT" ? { name: "n", permissions: [] } : undefined }), 403);
  }
  // A service account with the permission may manage accounts; one without may not.
  const manager = await createAccount(emu, "sa-manager", ["TMC_SERVICE_ACCOUNT_MANAGEMENT"]);
  const plain = await createAccount(emu, "sa-plain", ["TMC_ENGINE_USE"]);
  assert.equal((await call(emu, "GET", SA, { token: await mint(emu, manager) })).status, 200);
  assertSaError(await call(emu, "GET", SA, { token: await mint(emu, plain) }), 403);
});

test("lastUsedDate and lastUsedApi move with every call made with the account's token", async () => {
  const a = await createAccount(emu, "used");
  assert.equal(emu.state().serviceAccounts.find((x) => x.id === a.id)!.lastUsedDate, undefined);
  const token = await mint(emu, a);
  await call(emu, "GET", "/orchestration/workspaces", { token });
  const first = emu.state().serviceAccounts.find((x) => x.id === a.id)!;
  assert.equal(first.lastUsedApi, "GET /orchestration/workspaces");
  emu.clock.advance(5000);
  await call(emu, "GET", "/orchestration/environments", { token });
  const second = (await call(emu, "GET", `${SA}/${a.id}`, { token: ADMIN })).body;
  assert.equal(second.lastUsedApi, "GET /orchestration/environments");
  assert.ok(Date.parse(second.lastUsedDate) >= Date.parse(first.lastUsedDate!) + 5000);
});

test("seeded service accounts keep their fixed id and secret and their workspace permissions", async () => {
  const seeded = await startEmulator({
    seed: {
      users: [{ id: "u1", login: "a@x", pat: "seed-admin-pat", permissions: ["*"], workspaces: "*" }],
      environments: [{ name: "dev", default: true }],
      workspaces: [{ name: "w", environment: "dev" }],
      serviceAccounts: [{ id: "11111111-2222-4333-8444-555555555555", name: "fixed", secret: "s3cret-fixed", permissions: ["TMC_ENGINE_USE"], workspaces: { "dev/w": ["EXECUTE"] } }],
    },
  });
  try {
    const token = await mint(seeded, { id: "11111111-2222-4333-8444-555555555555", secret: "s3cret-fixed" });
    assert.ok(token);
    assert.deepEqual(seeded.state().workspacePermissions.map((p) => p.permissions), [["EXECUTE"]]);
  } finally {
    await seeded.close();
  }
});
