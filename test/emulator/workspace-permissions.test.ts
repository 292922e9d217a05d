import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { ADMIN, VIEWER, assertErrorResponse, call, conforms, createAccount, ids, mint } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(() => emu.close());

const UNIT = "/security/workspaces/{workspaceId}/service-accounts/{serviceAccountId}/permissions";
const SEARCH = "/security/service-accounts/permissions";
const BATCH = "/security/service-accounts/permissions/batch";
const unit = (ws: string, sa: string) => `/security/workspaces/${ws}/service-accounts/${sa}/permissions`;

test("unitary lifecycle: GET 404, POST 201 (no body), GET 200 Permission, PUT 204, DELETE 204, then 404s", async () => {
  const sa = await createAccount(emu, "wp-life");
  const ws = ids(emu).ws("ops");
  const notFound = await conforms(emu, "GET", unit(ws, sa.id), UNIT, 404, { token: ADMIN });
  assert.equal(notFound.body.message, "Permission not found");
  assertErrorResponse(notFound, 404);
  assertErrorResponse(await conforms(emu, "PUT", unit(ws, sa.id), UNIT, 404, { token: ADMIN, body: ["VIEW"] }), 404);
  const created = await conforms(emu, "POST", unit(ws, sa.id), UNIT, 201, { token: ADMIN, body: ["EXECUTE"] });
  assert.equal(created.text, "");
  const got = await conforms(emu, "GET", unit(ws, sa.id), UNIT, 200, { token: ADMIN });
  assert.deepEqual(got.body, { workspaceId: ws, userId: sa.id, permissions: ["EXECUTE"] });
  assertErrorResponse(await conforms(emu, "POST", unit(ws, sa.id), UNIT, 409, { token: ADMIN, body: ["VIEW"] }), 409);
  assert.equal((await conforms(emu, "PUT", unit(ws, sa.id), UNIT, 204, { token: ADMIN, body: ["EXECUTE", "VIEW"] })).text, "");
  assert.deepEqual((await call(emu, "GET", unit(ws, sa.id), { token: ADMIN })).body.permissions, ["EXECUTE", "VIEW"], "PUT replaces the set");
  await conforms(emu, "DELETE", unit(ws, sa.id), UNIT, 204, { token: ADMIN });
  assertErrorResponse(await conforms(emu, "DELETE", unit(ws, sa.id), UNIT, 404, { token: ADMIN }), 404);
  assert.equal(emu.state().workspacePermissions.some((p) => p.serviceAccountId === sa.id), false);
});

test("unitary errors: 404 for an unknown workspace or account, 400 for invalid or empty sets, 403 without TMC_USER_MANAGEMENT", async () => {
  const sa = await createAccount(emu, "wp-errors");
  const ws = ids(emu).ws("analytics");
  assertErrorResponse(await conforms(emu, "POST", unit("000000000000000000000000", sa.id), UNIT, 404, { token: ADMIN, body: ["VIEW"] }), 404);
  assertErrorResponse(await conforms(emu, "POST", unit(ws, "no-such-account"), UNIT, 404, { token: ADMIN, body: ["VIEW"] }), 404);
  for (const bad of [[], ["RUN"], ["view"], "EXECUTE", { permissions: ["VIEW"] }]) {
    assertErrorResponse(await conforms(emu, "POST", unit(ws, sa.id), UNIT, 400, { token: ADMIN, body: bad }), 400);
  }
  assert.equal(emu.state().workspacePermissions.some((p) => p.serviceAccountId === sa.id), false);
  for (const method of ["GET", "POST", "PUT", "DELETE"]) {
    assertErrorResponse(await conforms(emu, method, unit(ws, sa.id), UNIT, 403, { token: VIEWER, body: method === "POST" || method === "PUT" ? ["VIEW"] : undefined }), 403);
    assertErrorResponse(await call(emu, method, unit(ws, sa.id)), 401);
  }
  // MANAGE and PUBLISH are valid values too.
  await conforms(emu, "POST", unit(ws, sa.id), UNIT, 201, { token: ADMIN, body: ["AUTHOR", "EXECUTE", "VIEW", "MANAGE", "PUBLISH"] });
});

test("a service account with TMC_USER_MANAGEMENT may grant; the grant is visible only to tokens minted afterwards", async () => {
  const admin = await createAccount(emu, "wp-admin-sa", ["TMC_USER_MANAGEMENT"]);
  const target = await createAccount(emu, "wp-target", []);
  const ws = ids(emu).ws("ops", "production");
  await conforms(emu, "POST", unit(ws, target.id), UNIT, 201, { token: await mint(emu, admin), body: ["VIEW"] });
  assert.deepEqual(emu.state().workspacePermissions.find((p) => p.serviceAccountId === target.id), { workspaceId: ws, serviceAccountId: target.id, permissions: ["VIEW"] });
});

test("search: by workspace, environment and account; 404 for unknown ids", async () => {
  const a = await createAccount(emu, "wp-search-a");
  const b = await createAccount(emu, "wp-search-b");
  const { ws, env } = ids(emu);
  emu.admin.setWorkspacePermission(ws("ops"), a.id, ["EXECUTE"]);
  emu.admin.setWorkspacePermission(ws("ops", "production"), a.id, ["VIEW"]);
  emu.admin.setWorkspacePermission(ws("ops"), b.id, ["AUTHOR"]);
  const byAccount = await conforms(emu, "GET", `${SEARCH}?serviceAccountId=${a.id}`, SEARCH, 200, { token: ADMIN });
  assert.equal(byAccount.body.length, 2);
  const inProd = await conforms(emu, "GET", `${SEARCH}?serviceAccountId=${a.id}&environmentId=${env("production")}`, SEARCH, 200, { token: ADMIN });
  assert.deepEqual(inProd.body, [{ workspaceId: ws("ops", "production"), userId: a.id, permissions: ["VIEW"] }]);
  const byWs = (await call(emu, "GET", `${SEARCH}?workspaceId=${ws("ops")}`, { token: ADMIN })).body as { userId: string }[];
  assert.ok(byWs.some((p) => p.userId === a.id) && byWs.some((p) => p.userId === b.id));
  for (const q of ["workspaceId=nope", "environmentId=nope", "serviceAccountId=nope"]) assertErrorResponse(await conforms(emu, "GET", `${SEARCH}?${q}`, SEARCH, 404, { token: ADMIN }), 404);
  assertErrorResponse(await conforms(emu, "GET", SEARCH, SEARCH, 403, { token: VIEWER }), 403);
});

test("batch POST/PUT: 204 when all apply, 207 PermissionResult[] for rejected elements while the rest apply", async () => {
  const a = await createAccount(emu, "wp-batch-a");
  const b = await createAccount(emu, "wp-batch-b");
  const ws = ids(emu).ws("analytics");
  await conforms(emu, "POST", BATCH, BATCH, 204, { token: ADMIN, body: [{ workspaceId: ws, userId: a.id, permissions: ["VIEW"] }] });
  const mixed = await conforms(emu, "POST", BATCH, BATCH, 207, {
    token: ADMIN,
    body: [
      { workspaceId: ws, userId: a.id, permissions: ["EXECUTE"] },
      { workspaceId: ws, userId: b.id, permissions: ["EXECUTE"] },
      { workspaceId: ws, userId: "ghost", permissions: ["EXECUTE"] },
    ],
  });
  assert.deepEqual(mixed.body.map((r: { status: number }) => r.status), [409, 404]);
  assert.deepEqual(emu.state().workspacePermissions.find((p) => p.serviceAccountId === b.id)?.permissions, ["EXECUTE"]);
  await conforms(emu, "PUT", BATCH, BATCH, 204, { token: ADMIN, body: [{ workspaceId: ws, userId: a.id, permissions: ["AUTHOR"] }] });
  const missing = await conforms(emu, "PUT", BATCH, BATCH, 207, { token: ADMIN, body: [{ workspaceId: ids(emu).ws("ops"), userId: a.id, permissions: ["AUTHOR"] }] });
  assert.equal(missing.body[0].status, 404);
  assert.deepEqual(emu.state().workspacePermissions.find((p) => p.serviceAccountId === a.id)?.permissions, ["AUTHOR"]);
  assertErrorResponse(await conforms(emu, "POST", BATCH, BATCH, 403, { token: VIEWER, body: [] }), 403);
});

test("batch DELETE is as dangerous as the spec says: an empty account list wipes every account's permissions on the workspace", async () => {
  const { ws } = ids(emu);
  const a = await createAccount(emu, "wp-del-a");
  const b = await createAccount(emu, "wp-del-b");
  for (const sa of [a, b]) {
    emu.admin.setWorkspacePermission(ws("analytics"), sa.id, ["VIEW"]);
    emu.admin.setWorkspacePermission(ws("ops", "production"), sa.id, ["VIEW"]);
  }
  const count = (w: string) => emu.state().workspacePermissions.filter((p) => p.workspaceId === w).length;
  // The intersection: one account on one workspace.
  await conforms(emu, "DELETE", `${BATCH}?workspaceIds=${ws("analytics")}&serviceAccountIds=${a.id}`, BATCH, 204, { token: ADMIN });
  assert.equal(emu.state().workspacePermissions.some((p) => p.serviceAccountId === a.id && p.workspaceId === ws("analytics")), false);
  assert.ok(emu.state().workspacePermissions.some((p) => p.serviceAccountId === b.id && p.workspaceId === ws("analytics")));
  // No account ids: everyone's permissions on that workspace go.
  await conforms(emu, "DELETE", `${BATCH}?workspaceIds=${ws("analytics")}`, BATCH, 204, { token: ADMIN });
  assert.equal(count(ws("analytics")), 0);
  assert.ok(count(ws("ops", "production")) >= 2, "other workspaces untouched");
  // No workspace ids: the account's permissions everywhere go (vice versa).
  await conforms(emu, "DELETE", `${BATCH}?serviceAccountIds=${b.id}`, BATCH, 204, { token: ADMIN });
  assert.equal(emu.state().workspacePermissions.some((p) => p.serviceAccountId === b.id), false);
  // Nothing at all: every service-account permission in the tenant.
  await conforms(emu, "DELETE", BATCH, BATCH, 204, { token: ADMIN });
  assert.equal(emu.state().workspacePermissions.length, 0);
  assertErrorResponse(await conforms(emu, "DELETE", `${BATCH}?workspaceIds=nope`, BATCH, 404, { token: ADMIN }), 404);
});
