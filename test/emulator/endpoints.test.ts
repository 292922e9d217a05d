import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { ADMIN, EDIT, call as callOn, conforms as conformsOn } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(async () => emu.close());

// This file's calls take the emulator started above; the helpers behind them are shared with the other files.
type Options = Parameters<typeof callOn>[3];
const call = (method: string, path: string, opts?: Options) => callOn(emu, method, path, opts);
const conforms = (method: string, path: string, template: string, status: number, opts?: Options) => conformsOn(emu, method, path, template, status, opts);

const state = () => emu.state();
const task = (name: string, env = "development") => {
  const s = state();
  const envId = s.environments.find((e) => e.name === env)!.id;
  return s.tasks.find((t) => t.name === name && s.workspaces.find((w) => w.id === t.workspaceId)!.environmentId === envId)!;
};

test("service accounts: create/list/get/update/delete/catalogue/count match the spec, errors included", async () => {
  const created = await conforms("POST", "/account/service-accounts", "/account/service-accounts", 201, { token: ADMIN, body: { name: "spec-sa", permissions: ["TMC_ENGINE_USE"] } });
  assert.ok(created.body.secret, "the secret is shown on create");
  assert.ok(created.headers.get("location")?.endsWith(`/account/service-accounts/${created.body.id}`), "Location names the new account");
  const id = created.body.id as string;
  const listed = await conforms("GET", "/account/service-accounts", "/account/service-accounts", 200, { token: ADMIN });
  assert.ok(listed.body.every((a: { secret?: string }) => a.secret === undefined), "never shown again");
  await conforms("GET", `/account/service-accounts/${id}`, "/account/service-accounts/{id}", 200, { token: ADMIN });
  await conforms("PUT", `/account/service-accounts/${id}`, "/account/service-accounts/{id}", 200, { token: ADMIN, body: { name: "spec-sa-2", permissions: [] } });
  await conforms("GET", "/account/service-accounts/permissions", "/account/service-accounts/permissions", 200, { token: ADMIN });
  await conforms("GET", "/account/service-accounts/count", "/account/service-accounts/count", 200, { token: ADMIN });
  await conforms("POST", "/account/service-accounts", "/account/service-accounts", 409, { token: ADMIN, body: { name: "spec-sa-2", permissions: [] } });
  await conforms("POST", "/account/service-accounts", "/account/service-accounts", 400, { token: ADMIN, body: { name: "x", permissions: ["NOPE"] } });
  assert.equal((await call("GET", "/account/service-accounts", { token: "emulator-viewer-pat" })).status, 403);
  assert.equal((await call("GET", "/account/service-accounts")).status, 401);
  await conforms("DELETE", `/account/service-accounts/${id}`, "/account/service-accounts/{id}", 204, { token: ADMIN });
  await conforms("GET", `/account/service-accounts/${id}`, "/account/service-accounts/{id}", 404, { token: ADMIN });
});

test("token endpoint: Basic credentials and JSON body; tokens expire with the clock", async () => {
  const sa = (await call("POST", "/account/service-accounts", { token: ADMIN, body: { name: "tok-sa", permissions: [] } })).body;
  assert.equal((await call("POST", "/security/oauth/token", { basic: `${sa.id}:wrong`, body: { audience: emu.url, grant_type: "client_credentials" } })).status, 401);
  assert.equal((await call("POST", "/security/oauth/token", { basic: `${sa.id}:${sa.secret}`, body: { audience: emu.url } })).status, 400);
  const t = await conforms("POST", "/security/oauth/token", "/security/oauth/token", 200, { basic: `${sa.id}:${sa.secret}`, body: { audience: emu.url, grant_type: "client_credentials" } });
  assert.equal(t.body.expires_in, "1800");
  assert.equal((await call("GET", "/orchestration/environments", { token: t.body.access_token })).status, 200);
  emu.clock.advance(1800_000);
  assert.equal((await call("GET", "/orchestration/environments", { token: t.body.access_token })).status, 401, "expired after 30 minutes");
});

test("workspace permissions of service accounts: unitary CRUD and search match the spec", async () => {
  const sa = (await call("POST", "/account/service-accounts", { token: ADMIN, body: { name: "wp-sa", permissions: [] } })).body;
  const ws = state().workspaces[0]!.id;
  const unit = `/security/workspaces/${ws}/service-accounts/${sa.id}/permissions`;
  const template = "/security/workspaces/{workspaceId}/service-accounts/{serviceAccountId}/permissions";
  await conforms("GET", unit, template, 404, { token: ADMIN });
  await conforms("PUT", unit, template, 404, { token: ADMIN, body: ["VIEW"] });
  await conforms("POST", unit, template, 201, { token: ADMIN, body: ["EXECUTE"] });
  await conforms("POST", unit, template, 409, { token: ADMIN, body: ["EXECUTE"] });
  await conforms("POST", unit, template, 400, { token: ADMIN, body: ["RUN"] });
  const got = await conforms("GET", unit, template, 200, { token: ADMIN });
  assert.deepEqual(got.body, { workspaceId: ws, userId: sa.id, permissions: ["EXECUTE"] });
  await conforms("PUT", unit, template, 204, { token: ADMIN, body: ["EXECUTE", "VIEW"] });
  await conforms("GET", `/security/service-accounts/permissions?serviceAccountId=${sa.id}`, "/security/service-accounts/permissions", 200, { token: ADMIN });
  await conforms("DELETE", unit, template, 204, { token: ADMIN });
  await conforms("DELETE", unit, template, 404, { token: ADMIN });
  assert.equal((await call("GET", unit, { token: "emulator-viewer-pat" })).status, 403);
});

test("the batch delete is as dangerous as the spec says: an empty account list wipes the workspace", async () => {
  const ws = state().workspaces[1]!.id;
  for (const name of ["b1", "b2"]) {
    const sa = (await call("POST", "/account/service-accounts", { token: ADMIN, body: { name, permissions: [] } })).body;
    emu.admin.setWorkspacePermission(ws, sa.id, ["VIEW"]);
  }
  assert.equal((await call("DELETE", `/security/service-accounts/permissions/batch?workspaceIds=${ws}`, { token: ADMIN })).status, 204);
  assert.equal(state().workspacePermissions.filter((p) => p.workspaceId === ws).length, 0);
});

test("environments and workspaces, with FIQL (metacharacters in quoted values are literal)", async () => {
  await conforms("GET", "/orchestration/environments", "/orchestration/environments", 200, { token: ADMIN });
  const all = await conforms("GET", "/orchestration/workspaces", "/orchestration/workspaces", 200, { token: ADMIN });
  assert.equal(all.body.length, 3);
  const dev = state().environments.find((e) => e.name === "development")!.id;
  const q = async (query: string) => (await call("GET", `/orchestration/workspaces?query=${encodeURIComponent(query)}`, { token: ADMIN })).body;
  assert.equal((await q(`name==ops;environment.id==${dev}`)).length, 1);
  assert.equal((await q("name==ops")).length, 2);
  assert.equal((await q("name==ops,name==analytics")).length, 3);
  assert.equal((await q("name==o*")).length, 2);
  assert.equal((await q('name=="ops;environment.name==production"')).length, 0, "quoted ; is literal");
  assert.equal((await q('name=="o*"')).length, 0, "quoted * is literal");
  assert.equal((await call("GET", `/orchestration/workspaces?query=${encodeURIComponent("name=ops")}`, { token: ADMIN })).status, 400);
});

test("tasks: paged listing and get match the spec; service accounts see only their workspaces", async () => {
  const page = await conforms("GET", "/orchestration/executables/tasks?limit=2&offset=0", "/orchestration/executables/tasks", 200, { token: ADMIN });
  assert.equal(page.body.items.length, 2);
  assert.equal(page.body.total, 4);
  await conforms("GET", `/orchestration/executables/tasks/${task("seed-database").id}`, "/orchestration/executables/tasks/{taskId}", 200, { token: ADMIN });
  await conforms("GET", "/orchestration/executables/tasks/nope", "/orchestration/executables/tasks/{taskId}", 404, { token: ADMIN });
  const sa = (await call("POST", "/account/service-accounts", { token: ADMIN, body: { name: "tasks-sa", permissions: [] } })).body;
  const mint = async () => (await call("POST", "/security/oauth/token", { basic: `${sa.id}:${sa.secret}`, body: { audience: emu.url, grant_type: "client_credentials" } })).body.access_token;
  assert.equal((await call("GET", "/orchestration/executables/tasks", { token: await mint() })).body.total, 0);
  emu.admin.setWorkspacePermission(task("nightly-load").workspaceId, sa.id, ["VIEW"]);
  const visible = (await call("GET", "/orchestration/executables/tasks", { token: await mint() })).body;
  assert.deepEqual(visible.items.map((t: { name: string }) => t.name), ["nightly-load"]);
});

test("the support article's 403, both ways, and the execution lifecycle, logs and history", async () => {
  const sa = (await call("POST", "/account/service-accounts", { token: ADMIN, body: { name: "runner", permissions: ["TMC_ENGINE_USE"] } })).body;
  const t = task("seed-database");
  emu.admin.setWorkspacePermission(t.workspaceId, sa.id, ["EXECUTE"]);
  const mint = async () => (await call("POST", "/security/oauth/token", { basic: `${sa.id}:${sa.secret}`, body: { audience: emu.url, grant_type: "client_credentials" } })).body.access_token as string;
  const stale = await mint();
  const forbidden = await conforms("POST", "/processing/executions", "/processing/executions", 403, { token: stale, body: { executable: t.id } });
  assert.deepEqual(Object.keys(forbidden.body).sort(), ["message", "requestId", "status"]);
  assert.equal(forbidden.body.message, "Forbidden");
  // Granted after the token was minted: still 403 with that token; 201 with a fresh one.
  emu.admin.updateServiceAccount(sa.id, { permissions: ["TMC_ENGINE_USE", EDIT] });
  assert.equal((await call("POST", "/processing/executions", { token: stale, body: { executable: t.id } })).status, 403);
  const fresh = await mint();
  const started = await conforms("POST", "/processing/executions", "/processing/executions", 201, { token: fresh, body: { executable: t.id, parameters: { a: "1" }, logLevel: "WARN" } });
  const id = started.body.executionId as string;
  const status = async () => (await conforms("GET", `/processing/executions/${id}`, "/processing/executions/{executionId}", 200, { token: fresh })).body;
  assert.equal((await status()).status, "dispatching");
  emu.clock.advance(2_000);
  assert.equal((await status()).status, "executing");
  emu.clock.advance(10_000);
  const done = await status();
  assert.deepEqual([done.status, done.executionStatus, done.userType], ["execution_successful", "EXECUTION_SUCCESS", "SERVICE"]);
  const logs = await conforms("GET", `/monitoring/executions/${id}/logs?count=2&order=ASC`, "/monitoring/executions/{id}/logs", 200, { token: ADMIN });
  assert.equal(logs.body.data.length, 2);
  assert.equal(logs.body.nextIndex, 2);
  const history = await conforms("GET", `/processing/executables/tasks/${t.id}/executions`, "/processing/executables/tasks/{taskId}/executions", 200, { token: ADMIN });
  assert.equal(history.body.items[0].executionId, id);
  assert.equal(history.body.items[0].userId, sa.id);
  // EXECUTE missing → 403 even with a fresh token.
  emu.admin.setWorkspacePermission(t.workspaceId, sa.id, ["VIEW"]);
  assert.equal((await call("POST", "/processing/executions", { token: await mint(), body: { executable: t.id } })).status, 403);
});

test("cancel terminates a running execution; a finished one cannot be cancelled; failures carry Talend's message", async () => {
  const long = task("long-migration");
  const id = (await call("POST", "/processing/executions", { token: ADMIN, body: { executable: long.id } })).body.executionId;
  await conforms("DELETE", `/processing/executions/${id}`, "/processing/executions/{executionId}", 204, { token: ADMIN });
  assert.equal((await call("GET", `/processing/executions/${id}`, { token: ADMIN })).body.status, "terminated");
  assert.equal((await call("DELETE", `/processing/executions/${id}`, { token: ADMIN })).status, 400);
  const failing = (await call("POST", "/processing/executions", { token: ADMIN, body: { executable: task("nightly-load").id } })).body.executionId;
  emu.clock.advance(10_000);
  const f = (await call("GET", `/processing/executions/${failing}`, { token: ADMIN })).body;
  assert.deepEqual([f.status, f.errorMessage], ["execution_failed", "tMap_1: java.lang.NullPointerException at row 1042"]);
  const timed = (await call("POST", "/processing/executions", { token: ADMIN, body: { executable: long.id, timeout: 1 } })).body.executionId;
  emu.clock.advance(61_000);
  assert.equal((await call("GET", `/processing/executions/${timed}`, { token: ADMIN })).body.status, "terminated_timeout");
});

test("faults: status with Retry-After, reset, latency, raw bodies, after-commit, limited by times and probability", async () => {
  emu.faults.add({ method: "GET", path: "/orchestration/environments", kind: "status", status: 429, retryAfter: "3", times: 1 });
  const limited = await call("GET", "/orchestration/environments", { token: ADMIN });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "3");
  assert.equal((await call("GET", "/orchestration/environments", { token: ADMIN })).status, 200, "times: 1");
  emu.faults.add({ path: "/orchestration/workspaces", kind: "reset", times: 1 });
  await assert.rejects(call("GET", "/orchestration/workspaces", { token: ADMIN }));
  emu.faults.add({ path: "/orchestration/workspaces", kind: "latency", latencyMs: 150, times: 1 });
  const t0 = Date.now();
  await call("GET", "/orchestration/workspaces", { token: ADMIN });
  assert.ok(Date.now() - t0 >= 140);
  emu.faults.add({ path: "/orchestration/workspaces", kind: "body", body: "<html>oops</html>", contentType: "text/html", times: 1 });
  assert.equal(await (await fetch(`${emu.url}/orchestration/workspaces`, { headers: { authorization: `Bearer ${ADMIN}` } })).text(), "<html>oops</html>");
  const before = state().serviceAccounts.length;
  emu.faults.add({ method: "POST", path: "/account/*", kind: "after-commit", status: 502, times: 1 });
  assert.equal((await call("POST", "/account/service-accounts", { token: ADMIN, body: { name: "ghost", permissions: [] } })).status, 502);
  assert.equal(state().serviceAccounts.length, before + 1, "the effect happened anyway");
  emu.faults.add({ path: "/orchestration/environments", kind: "status", status: 503, probability: 0.5, times: 1000 });
  let failures = 0;
  for (let i = 0; i < 40; i++) if ((await call("GET", "/orchestration/environments", { token: ADMIN })).status === 503) failures++;
  assert.ok(failures > 5 && failures < 35, `about half fail (${failures}/40)`);
  emu.faults.clear();
});

test("the request log records method, path, principal and faults, and never a credential", async () => {
  const secret = (await call("POST", "/account/service-accounts", { token: ADMIN, body: { name: "log-sa", permissions: [] } })).body;
  await call("POST", "/security/oauth/token", { basic: `${secret.id}:${secret.secret}`, body: { audience: emu.url, grant_type: "client_credentials" } });
  const log = emu.requests();
  const text = JSON.stringify(log);
  assert.ok(!text.includes(secret.secret) && !text.includes(ADMIN), "no secret or PAT in the request log");
  const mint = log.filter((r) => r.path === "/security/oauth/token").at(-1)!;
  assert.deepEqual([mint.method, mint.status, mint.principal], ["POST", 200, { kind: "service-account", id: secret.id }]);
  assert.equal(log.at(-2)!.talendVersion, "2021-03");
});
