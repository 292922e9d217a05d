import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { ADMIN, EDIT, VIEWER, assertErrorResponse, call, conforms, createAccount, ids, mint } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(() => emu.close());

const RUN = "/processing/executions";
const ONE = "/processing/executions/{executionId}";
const HISTORY = "/processing/executables/tasks/{taskId}/executions";
const LOGS = "/monitoring/executions/{id}/logs";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Exactly the support article's body: these three keys in this order, nothing else. */
function assertKbForbidden(r: { status: number; body: any; text: string }): void {
  assert.equal(r.status, 403, r.text);
  assert.deepEqual(Object.keys(r.body), ["status", "requestId", "message"]);
  assert.equal(r.body.status, 403);
  assert.equal(r.body.message, "Forbidden");
  assert.match(r.body.requestId, UUID);
}

const start = async (token: string, executable: string, extra: object = {}) => {
  const r = await call(emu, "POST", RUN, { token, body: { executable, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body.executionId as string;
};
const status = async (id: string, token = ADMIN) => (await conforms(emu, "GET", `${RUN}/${id}`, ONE, 200, { token })).body;

test("the support article, step 1: TMC_ENGINE_USE and EXECUTE but no Tasks-and-Plans-Edit → 403 Forbidden; granting it needs a new token (step 2)", async () => {
  const sa = await createAccount(emu, "kb-runner", ["TMC_ENGINE_USE", "TMC_ROLE_MANAGEMENT", "TMC_SERVICE_ACCOUNT_MANAGEMENT", "AUDIT_LOGS_VIEW", "TMC_USER_MANAGEMENT", "TMC_CLUSTER_MANAGEMENT"]);
  const task = ids(emu).task("seed-database");
  emu.admin.setWorkspacePermission(ids(emu).ws("ops"), sa.id, ["EXECUTE"]);
  const stale = await mint(emu, sa);
  const first = await conforms(emu, "POST", RUN, RUN, 403, { token: stale, body: { executable: task } });
  assertKbForbidden(first);
  const second = await call(emu, "POST", RUN, { token: stale, body: { executable: task } });
  assertKbForbidden(second);
  assert.notEqual(second.body.requestId, first.body.requestId, "a fresh requestId each time");
  // Step 1: the permission is granted (through the API), but the token predates it.
  const put = await call(emu, "PUT", `/account/service-accounts/${sa.id}`, { token: ADMIN, body: { name: "kb-runner", permissions: ["TMC_ENGINE_USE", EDIT] } });
  assert.equal(put.status, 200);
  assertKbForbidden(await call(emu, "POST", RUN, { token: stale, body: { executable: task } }));
  // Step 2: a regenerated token carries it.
  const started = await conforms(emu, "POST", RUN, RUN, 201, { token: await mint(emu, sa), body: { executable: task } });
  assert.match(started.body.executionId, UUID);
  assert.equal(emu.state().executions.filter((e) => e.userId === sa.id).length, 1, "the refused attempts started nothing");
});

test("a workspace EXECUTE granted after minting is not in the token either", async () => {
  const sa = await createAccount(emu, "kb-ws-late", ["TMC_ENGINE_USE", EDIT]);
  const task = ids(emu).task("seed-database");
  const stale = await mint(emu, sa);
  assertKbForbidden(await call(emu, "POST", RUN, { token: stale, body: { executable: task } }));
  await call(emu, "POST", `/security/workspaces/${ids(emu).ws("ops")}/service-accounts/${sa.id}/permissions`, { token: ADMIN, body: ["EXECUTE"] });
  assertKbForbidden(await call(emu, "POST", RUN, { token: stale, body: { executable: task } }));
  await start(await mint(emu, sa), task);
});

test("EXECUTE is required on the task's own workspace; TMC_OPERATOR may replace TMC_ENGINE_USE but Tasks-and-Plans-Edit may not be skipped", async () => {
  const { ws, task } = ids(emu);
  const viewOnly = await createAccount(emu, "view-only", ["TMC_ENGINE_USE", EDIT]);
  emu.admin.setWorkspacePermission(ws("ops"), viewOnly.id, ["VIEW", "AUTHOR"]);
  assertKbForbidden(await call(emu, "POST", RUN, { token: await mint(emu, viewOnly), body: { executable: task("seed-database") } }));
  const elsewhere = await createAccount(emu, "execute-elsewhere", ["TMC_ENGINE_USE", EDIT]);
  emu.admin.setWorkspacePermission(ws("ops", "production"), elsewhere.id, ["EXECUTE"]);
  assertKbForbidden(await call(emu, "POST", RUN, { token: await mint(emu, elsewhere), body: { executable: task("seed-database") } }));
  await start(await mint(emu, elsewhere), task("seed-database", "production"));
  const operator = await createAccount(emu, "operator", ["TMC_OPERATOR", EDIT]);
  emu.admin.setWorkspacePermission(ws("ops"), operator.id, ["EXECUTE"]);
  await start(await mint(emu, operator), task("seed-database"));
  const editOnly = await createAccount(emu, "edit-only", [EDIT]);
  emu.admin.setWorkspacePermission(ws("ops"), editOnly.id, ["EXECUTE"]);
  assertKbForbidden(await call(emu, "POST", RUN, { token: await mint(emu, editOnly), body: { executable: task("seed-database") } }));
});

test("PAT users: the same rule against live permissions; workspaces '*' holds every workspace permission", async () => {
  const { task } = ids(emu);
  await start(ADMIN, task("nightly-load"));
  assertKbForbidden(await call(emu, "POST", RUN, { token: VIEWER, body: { executable: task("nightly-load") } }));
  emu.admin.addUser({ id: "runner-user", login: "runner@example.com", pat: "runner-user-pat", permissions: ["TMC_ENGINE_USE", EDIT], workspaces: { "development/ops": ["EXECUTE"] } });
  const id = await start("runner-user-pat", task("seed-database"));
  assert.deepEqual([(await status(id)).userType, (await status(id)).userId], ["HUMAN", "runner-user"]);
  assertKbForbidden(await call(emu, "POST", RUN, { token: "runner-user-pat", body: { executable: task("seed-database", "production") } }));
});

test("POST errors: 400 on invalid bodies, 404 on an unknown task, 405 on a paused task, 401 without a token", async () => {
  const task = ids(emu).task("seed-database");
  for (const body of [{}, { executable: "" }, { executable: task, logLevel: "DEBUG" }, { executable: task, timeout: 0 }, { executable: task, timeout: 1.5 }, { executable: task, parameters: { a: 1 } }, []]) {
    assertErrorResponse(await conforms(emu, "POST", RUN, RUN, 400, { token: ADMIN, body }), 400);
  }
  assertErrorResponse(await call(emu, "POST", RUN, { token: ADMIN, raw: "{" }), 400);
  assertErrorResponse(await conforms(emu, "POST", RUN, RUN, 404, { token: ADMIN, body: { executable: "ffffffffffffffffffffffff" } }), 404);
  const paused = emu.admin.addTask({ name: "paused-task", workspace: "ops", environment: "development", paused: true });
  assertErrorResponse(await conforms(emu, "POST", RUN, RUN, 405, { token: ADMIN, body: { executable: paused } }), 405);
  assertErrorResponse(await conforms(emu, "POST", RUN, RUN, 401, { body: { executable: task } }), 401);
  const before = emu.state().executions.length;
  await start(ADMIN, task, { parameters: { target_schema: "staging" }, logLevel: "WARN", timeout: 10 });
  const e = emu.state().executions.at(-1)!;
  assert.equal(emu.state().executions.length, before + 1);
  assert.deepEqual([e.parameters, e.logLevel, e.timeoutMinutes], [{ target_schema: "staging" }, "WARN", 10]);
});

test("lifecycle from the clock: dispatching → executing → execution_successful, with JobExecutionStatusV21 fields", async () => {
  const sa = await createAccount(emu, "life-runner", ["TMC_ENGINE_USE", EDIT]);
  emu.admin.setWorkspacePermission(ids(emu).ws("ops"), sa.id, ["EXECUTE"]);
  const token = await mint(emu, sa);
  const task = ids(emu).task("seed-database");
  const id = await start(token, task);
  const s0 = await status(id, token);
  assert.equal(s0.status, "dispatching");
  assert.ok(["EXECUTION_EVENT_RECEIVED", "DISPATCHING_FLOW"].includes(s0.executionStatus));
  assert.deepEqual(
    [s0.executionId, s0.jobId, s0.workspaceId, s0.userId, s0.userType, s0.executionType, s0.apiVersion, s0.accountId],
    [id, task, ids(emu).ws("ops"), sa.id, "SERVICE", "MANUAL", "2021-03", emu.state().tenantId],
  );
  assert.equal(s0.startTimestamp, undefined);
  assert.equal(s0.finishTimestamp, undefined);
  emu.clock.advance(1_500);
  const s1 = await status(id, token);
  assert.deepEqual([s1.status, s1.executionStatus], ["executing", "STARTING_FLOW_EXECUTION"]);
  assert.ok(s1.startTimestamp);
  emu.clock.advance(4_000);
  const s2 = await status(id, token);
  assert.deepEqual([s2.status, s2.executionStatus, s2.errorMessage], ["execution_successful", "EXECUTION_SUCCESS", undefined]);
  assert.ok(Date.parse(s2.finishTimestamp) - Date.parse(s2.triggerTimestamp) >= 5_000);
  assertErrorResponse(await conforms(emu, "GET", `${RUN}/00000000-0000-4000-8000-000000000000`, ONE, 404, { token: ADMIN }), 404);
});

test("outcomes: failure with Talend's error message, rejected rows, and terminated_timeout when the run outlasts its timeout", async () => {
  const { task } = ids(emu);
  const failing = await start(ADMIN, task("nightly-load"));
  emu.clock.advance(3_500);
  const f = await status(failing);
  assert.deepEqual([f.status, f.executionStatus, f.errorMessage], ["execution_failed", "EXECUTION_FAILED", "tMap_1: java.lang.NullPointerException at row 1042"]);
  assert.ok(f.errorType);
  const rejectedTask = emu.admin.addTask({ name: "rejecting", workspace: "analytics", environment: "development", run: { dispatchSeconds: 0, durationSeconds: 2, outcome: "rejected", logLines: [] } });
  const rejected = await start(ADMIN, rejectedTask);
  emu.clock.advance(2_500);
  assert.deepEqual([(await status(rejected)).status, (await status(rejected)).executionStatus], ["execution_rejected", "EXECUTION_REJECTED"]);
  const timed = await start(ADMIN, task("long-migration"), { timeout: 1 });
  emu.clock.advance(59_000);
  assert.equal((await status(timed)).status, "executing");
  emu.clock.advance(2_000);
  const t = await status(timed);
  assert.deepEqual([t.status, t.executionStatus, t.timeout], ["terminated_timeout", "EXECUTION_TERMINATED_TIMEOUT", 1]);
  // A timeout longer than the run changes nothing.
  const roomy = await start(ADMIN, task("seed-database"), { timeout: 5 });
  emu.clock.advance(6_000);
  assert.equal((await status(roomy)).status, "execution_successful");
});

test("setTaskRun changes later runs only", async () => {
  const { task } = ids(emu);
  const id = task("seed-database", "production");
  const before = await start(ADMIN, id);
  emu.admin.setTaskRun(id, { outcome: "failure", errorMessage: "boom" });
  const afterChange = await start(ADMIN, id);
  emu.clock.advance(6_000);
  assert.equal((await status(before)).status, "execution_successful");
  assert.deepEqual([(await status(afterChange)).status, (await status(afterChange)).errorMessage], ["execution_failed", "boom"]);
  emu.admin.setTaskRun(id, { outcome: "success", errorMessage: undefined });
});

test("cancel: DELETE 204 terminates a running or dispatching execution; a finished one answers 400; unknown 404", async () => {
  const { task } = ids(emu);
  const running = await start(ADMIN, task("long-migration"));
  emu.clock.advance(10_000);
  await conforms(emu, "DELETE", `${RUN}/${running}`, ONE, 204, { token: ADMIN });
  emu.clock.advance(10_000);
  const s = await status(running);
  assert.deepEqual([s.status, s.executionStatus], ["terminated", "EXECUTION_TERMINATED"]);
  assert.ok(s.startTimestamp && s.finishTimestamp);
  assertErrorResponse(await conforms(emu, "DELETE", `${RUN}/${running}`, ONE, 400, { token: ADMIN }), 400);
  const dispatching = await start(ADMIN, task("long-migration"));
  await conforms(emu, "DELETE", `${RUN}/${dispatching}`, ONE, 204, { token: ADMIN });
  const d = await status(dispatching);
  assert.deepEqual([d.status, d.startTimestamp], ["terminated", undefined]);
  const done = await start(ADMIN, task("seed-database"));
  emu.clock.advance(6_000);
  assertErrorResponse(await conforms(emu, "DELETE", `${RUN}/${done}`, ONE, 400, { token: ADMIN }), 400);
  assert.equal((await status(done)).status, "execution_successful", "unchanged");
  assertErrorResponse(await conforms(emu, "DELETE", `${RUN}/00000000-0000-4000-8000-000000000000`, ONE, 404, { token: ADMIN }), 404);
});

test("executions are visible to whoever started them and to holders of VIEW or EXECUTE on the workspace", async () => {
  const id = await start(ADMIN, ids(emu).task("nightly-load"));
  const stranger = await createAccount(emu, "stranger");
  assertErrorResponse(await call(emu, "GET", `${RUN}/${id}`, { token: await mint(emu, stranger) }), 404);
  assertErrorResponse(await call(emu, "DELETE", `${RUN}/${id}`, { token: await mint(emu, stranger) }), 404);
  emu.admin.setWorkspacePermission(ids(emu).ws("analytics"), stranger.id, ["VIEW"]);
  assert.equal((await call(emu, "GET", `${RUN}/${id}`, { token: await mint(emu, stranger) })).status, 200);
});

test("history: PageTaskExecutionStatus newest first, paged, filtered by status and time window", async () => {
  const taskId = emu.admin.addTask({ name: "history-task", workspace: "analytics", environment: "development", run: { dispatchSeconds: 1, durationSeconds: 10, outcome: "success", logLines: [] } });
  const path = (q = "") => `/processing/executables/tasks/${taskId}/executions${q}`;
  const t0 = emu.clock.now();
  const first = await start(ADMIN, taskId);
  emu.clock.advance(20_000);
  const second = await start(ADMIN, taskId);
  emu.clock.advance(2_000);
  const third = await start(ADMIN, taskId);
  const page = await conforms(emu, "GET", path(), HISTORY, 200, { token: ADMIN });
  assert.deepEqual(page.body.items.map((i: { executionId: string }) => i.executionId), [third, second, first]);
  assert.deepEqual([page.body.total, page.body.limit, page.body.offset], [3, 100, 0]);
  const item = page.body.items[2];
  assert.deepEqual([item.taskId, item.status, item.executionStatus, item.userType, item.executionType], [taskId, "execution_successful", "EXECUTION_SUCCESS", "HUMAN", "MANUAL"]);
  const paged = (await conforms(emu, "GET", path("?limit=1&offset=1"), HISTORY, 200, { token: ADMIN })).body;
  assert.deepEqual([paged.items.map((i: { executionId: string }) => i.executionId), paged.total], [[second], 3]);
  const executing = (await call(emu, "GET", path("?status=executing"), { token: ADMIN })).body;
  assert.deepEqual(executing.items.map((i: { executionId: string }) => i.executionId), [second]);
  // [from, to] keeps runs that overlap it: the first ran from t0 to t0+10s.
  const early = (await call(emu, "GET", path(`?from=${t0 + 5_000}&to=${t0 + 6_000}`), { token: ADMIN })).body;
  assert.deepEqual(early.items.map((i: { executionId: string }) => i.executionId), [first]);
  emu.clock.advance(3 * 86_400_000);
  assert.equal((await call(emu, "GET", path("?lastDays=1"), { token: ADMIN })).body.total, 0);
  assert.equal((await call(emu, "GET", path("?lastDays=60"), { token: ADMIN })).body.total, 3);
  for (const bad of ["limit=0", "limit=101", "offset=-1", "lastDays=61", "lastDays=0", "status=running", "from=yesterday"]) {
    assertErrorResponse(await conforms(emu, "GET", path(`?${bad}`), HISTORY, 400, { token: ADMIN }), 400);
  }
  assertErrorResponse(await conforms(emu, "GET", "/processing/executables/tasks/ffffffffffffffffffffffff/executions", HISTORY, 404, { token: ADMIN }), 404);
});

test("logs: emitted as time passes, start and finish lines, DESC by default, paged with count/startIndex/nextIndex", async () => {
  const id = await start(ADMIN, ids(emu).task("nightly-load"));
  const logs = async (q = "") => (await conforms(emu, "GET", `/monitoring/executions/${id}/logs${q}`, LOGS, 200, { token: ADMIN })).body;
  const early = await logs("?order=ASC");
  assert.deepEqual([early.totalSize, early.data.length], [1, 1], "only the start line while dispatching");
  assert.equal(early.nextIndex, undefined);
  emu.clock.advance(2_000);
  const mid = await logs("?order=ASC");
  assert.ok(mid.totalSize > 1 && mid.totalSize < 5, `some seed lines so far (${mid.totalSize})`);
  emu.clock.advance(5_000);
  const all = await logs("?order=ASC");
  const messages = all.data.map((l: { logMessage: string }) => l.logMessage);
  assert.equal(all.totalSize, 5);
  assert.match(messages[0], /started/);
  assert.deepEqual(messages.slice(1, 4), ["Reading orders", "Processed 1041 rows", "ERROR tMap_1: java.lang.NullPointerException at row 1042"]);
  assert.match(messages[4], /execution_failed.*NullPointerException/);
  assert.equal(all.data[3].severity, "ERROR");
  assert.equal(all.data[1].severity, "INFO");
  for (const l of all.data) assert.ok(Number.isInteger(l.logTimestamp));
  const desc = await logs();
  assert.deepEqual(desc.data.map((l: { logMessage: string }) => l.logMessage), [...messages].reverse());
  const p1 = await logs("?order=ASC&count=2");
  assert.deepEqual([p1.size, p1.nextIndex], [2, 2]);
  const p2 = await logs(`?order=ASC&count=2&startIndex=${p1.nextIndex}`);
  const p3 = await logs(`?order=ASC&count=2&startIndex=${p2.nextIndex}`);
  assert.deepEqual([p3.size, p3.nextIndex], [1, undefined]);
  assert.deepEqual([...p1.data, ...p2.data, ...p3.data].map((l: { logMessage: string }) => l.logMessage), messages);
  const windowed = await logs(`?order=ASC&startTime=${new Date(all.data[1].logTimestamp).toISOString()}&endTime=${new Date(all.data[2].logTimestamp).toISOString()}`);
  assert.deepEqual([windowed.totalSize, windowed.totalSizeFiltered, windowed.size], [5, 2, 2]);
  for (const bad of ["count=201", "count=0", "startIndex=-1", "order=SIDEWAYS", "startTime=never"]) assertErrorResponse(await conforms(emu, "GET", `/monitoring/executions/${id}/logs?${bad}`, LOGS, 400, { token: ADMIN }), 400);
  assertErrorResponse(await conforms(emu, "GET", "/monitoring/executions/00000000-0000-4000-8000-000000000000/logs", LOGS, 404, { token: ADMIN }), 404);
  // The default page holds 50 lines; a long log pages through nextIndex.
  const chatty = emu.admin.addTask({ name: "chatty", workspace: "ops", environment: "development", run: { dispatchSeconds: 0, durationSeconds: 10, outcome: "success", logLines: Array.from({ length: 120 }, (_, i) => `line ${i}`) } });
  const cid = await start(ADMIN, chatty);
  emu.clock.advance(11_000);
  const c = (await call(emu, "GET", `/monitoring/executions/${cid}/logs`, { token: ADMIN })).body;
  assert.deepEqual([c.size, c.totalSize, c.nextIndex, c.data[0].logMessage.startsWith("Execution finished")], [50, 122, 50, true]);
});
