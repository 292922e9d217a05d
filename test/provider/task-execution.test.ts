import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Handler } from "../../provider/dynamic";
import { UNKNOWN } from "../../provider/validation";
import { intentProvider } from "../../provider/intent";
import { Context } from "../../provider/context";
import { taskExecutionProvider } from "../../provider/task-execution";
import { TalendClient, TokenCache } from "../../sdk";
import { type FakeClock, clockFollowedBy } from "../helpers/fake-clock";
import { ADMIN_PAT, providerFixture, workspaceId } from "../helpers/provider-context";

const EDIT = "TMC_TASKS_AND_PLANS_EDIT";

const HOUR = 3_600_000;
/** A wait that broke (never ends, never times out) fails the test instead of hanging it. */
const waits = { timeout: 60_000 };

let f: Awaited<ReturnType<typeof providerFixture>>;
let clock: FakeClock;
let runner: { clientId: string; clientSecret: string };
/** Progress lines the provider wrote (kept out of the test output). */
const progress: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
before(async () => {
  // The provider's clock is fake, and an hour behind Talend's as on a machine whose clock is off: every wait
  // moves it and the emulator's together, taking no real time, and only Talend's Date headers give its time.
  f = await providerFixture({}, (emulator) => (clock = clockFollowedBy(emulator, -HOUR)));
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (String(chunk).startsWith("talend: TaskExecution ")) return progress.push(String(chunk).trimEnd()) > 0;
    return writeStderr(chunk, ...rest);
  }) as typeof process.stderr.write;
  const sa = await f.createVia(f.serviceAccount, { name: "te-runner", permissions: ["TMC_ENGINE_USE", EDIT] });
  runner = { clientId: sa.id, clientSecret: sa.outs.clientSecret };
  for (const ws of ["ops", "analytics"]) await f.createVia(f.workspacePermission, { serviceAccountId: sa.id, workspace: ws, environment: "development", permissions: ["EXECUTE"] });
});
after(async () => {
  process.stderr.write = writeStderr;
  await f.close();
});

const executions = () => f.emulator.state().executions as Array<{ executionId: string; status: string; taskId?: string; jobId?: string }>;
const startPosts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").length;
const task = (name: string) => ({ task: name, workspace: name === "nightly-load" ? "analytics" : "ops", environment: "development" });

/** check + create of a run; its waits pass on the fake clock. */
const create = (news: Record<string, unknown>) => f.createVia(f.taskExecution, news);

test("check: task by id or by names, credentials in pairs, bounded numbers", async () => {
  for (const [news, field, pattern] of [
    [{}, "task", /give taskId, or all of task, workspace and environment/],
    [{ taskId: "t1", task: "x" }, "taskId", /not both/],
    [{ taskId: "t1", clientId: "a" }, "clientSecret", /give both clientId and clientSecret/],
    [{ taskId: "t1", logLevel: "DEBUG" }, "logLevel", /one of OFF, ERROR, WARN, INFO/],
    [{ taskId: "t1", timeoutMinutes: 0 }, "timeoutMinutes", /at least 1/],
    [{ taskId: "t1", waitTimeoutMinutes: -1 }, "waitTimeoutMinutes", /more than 0/],
    [{ taskId: "t1", parameters: { a: 1 } }, "parameters", /strings/],
  ] as const) {
    const r = await f.taskExecution.check({}, news);
    assert.equal(r.failures?.[0]?.property, field, JSON.stringify(r));
    assert.match(r.failures![0]!.reason, pattern);
  }
});

test("success: one POST, run as the service account with a token minted after its grants", waits, async () => {
  const posts = startPosts();
  const sleeps = clock.slept.length;
  const { id, outs } = await create({ ...task("seed-database"), ...runner, parameters: { mode: "full" } });
  assert.deepEqual(clock.sleptSince(sleeps), [5_000], "one poll interval (pollIntervalSeconds 5) covers the 5 s run");
  assert.equal(outs.status, "execution_successful");
  assert.equal(outs.executionId, id);
  assert.equal(outs.runAs, `service-account:${runner.clientId}`);
  assert.equal(outs.durationSeconds, Math.round((Date.parse(outs.finishTimestamp!) - Date.parse(outs.startTimestamp!)) / 100) / 10, "duration from Talend's timestamps");
  assert.ok(outs.durationSeconds! >= 4, "the seeded run lasts 5 s of Talend time from its trigger, 1 s of it dispatching");
  assert.equal(startPosts(), posts + 1);
  const post = f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").at(-1)!;
  assert.equal(post.principal.id, runner.clientId);
});

test("failure fails the update with id, status, Talend's error and the log tail, and keeps the run in state", waits, async () => {
  await assert.rejects(create({ ...task("nightly-load"), ...runner }), (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
    assert.ok(e.id, "partial state keeps the execution");
    assert.equal(e.properties?.status, "execution_failed");
    assert.match(e.message, new RegExp(`execution id: ${e.id}`));
    assert.match(e.message, /NullPointerException/);
    assert.match(e.message, /last log lines/);
    assert.match(e.message, /without running the task again/);
    assert.match(e.message, /change `triggers`/);
    return true;
  });
});

test("a failed run keeps failing on every later update without running again, unless failures are accepted", waits, async () => {
  const urn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/talend:TaskExecutionIntent::nightly";
  const err = await create({ ...task("nightly-load"), ...runner, intentUrn: urn }).catch((e) => e);
  const posts = startPosts();
  const news = (await f.taskExecution.check({}, { ...task("nightly-load"), ...runner, intentUrn: urn, intentAt: err.properties.intentAt })).inputs;
  const diff = await f.taskExecution.diff(err.id, err.properties, news);
  assert.deepEqual(diff.replaces, [], "no new run without a new request");
  assert.equal(diff.changes, true, "but an update, which reports the failure again (even after a refresh)");
  assert.equal((await f.taskExecution.diff(err.id, err.properties, { ...news, failOnError: false })).changes, true, "accepting the failure is a settings change");
  await assert.rejects(f.taskExecution.update(err.id, err.properties, news), (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
    assert.equal(e.id, err.id, "the failed run stays in state");
    assert.match(e.message, /recorded by an earlier update; the task was not run again/);
    assert.match(e.message, /NullPointerException/);
    assert.ok(e.message.includes(`pulumi up --replace '${urn}'`), e.message);
    return true;
  });
  const accepted = await f.taskExecution.update(err.id, err.properties, { ...news, failOnError: false });
  assert.equal(accepted.outs.status, "execution_failed");
  assert.equal(startPosts(), posts, "nothing was started");
});

test("an update of a run left unfinished waits for it again (two hours: progress every 30 s in Talend's time, tokens renewed), and starts nothing", waits, async () => {
  const running = await create({ ...task("long-migration"), ...runner, waitForCompletion: false });
  assert.ok(["dispatching", "executing"].includes(running.outs.status));
  const posts = startPosts();
  const from = f.emulator.requests().length;
  const sleeps = clock.slept.length;
  const lines = progress.length;
  const { outs } = await f.taskExecution.update(running.id, running.outs, { ...running.inputs, waitForCompletion: true, waitTimeoutMinutes: 180 });
  assert.equal(outs.status, "execution_successful");
  assert.equal(startPosts(), posts);
  const waited = clock.sleptSince(sleeps).reduce((a, b) => a + b, 0);
  assert.ok(waited >= 2 * HOUR - 10_000 && waited <= 2 * HOUR + 30_000, `waited ${waited} ms for a 2 h run`);
  const seen = f.emulator.requests().slice(from);
  assert.ok(seen.filter((r) => r.path === "/security/oauth/token").length >= 4, "the 30-minute token was renewed while waiting");
  assert.deepEqual(seen.filter((r) => r.status === 401).map((r) => r.path), [], "renewed on the provider's clock, before Talend expired it");
  assertProgress(progress.slice(lines).filter((l) => l.endsWith(`(execution ${running.id})`)));
});

/** A line at least every 30 s of the run, its duration in Talend's time although the provider's clock is an hour off. */
function assertProgress(lines: string[]) {
  const seconds = lines.map((l) => {
    const [, m, s] = /: \w+ for (?:(\d+)m)?(\d+)s \(execution/.exec(l) ?? [];
    assert.ok(s !== undefined, l);
    return Number(m ?? 0) * 60 + Number(s);
  });
  assert.match(lines[0]!, /: dispatching for [0-9]s /, "the first line when the wait starts, seconds after the trigger");
  assert.match(lines.at(-1)!, /: execution_successful for 120m[0-3][0-9]s /);
  for (let i = 1; i < seconds.length; i++) assert.ok(seconds[i]! > seconds[i - 1]! && seconds[i]! - seconds[i - 1]! <= 31, `${lines[i - 1]}\n${lines[i]}`);
}

test("timeout: polls at growing intervals until waitTimeoutMinutes, then cancels the run (cancelOnTimeout) and fails clearly", waits, async () => {
  const sleeps = clock.slept.length;
  const started = clock.now();
  await assert.rejects(create({ ...task("long-migration"), ...runner, waitTimeoutMinutes: 10 }), (e: Error & { id?: string }) => {
    assert.match(e.message, /timed out waiting: still executing after waitTimeoutMinutes=10; cancelled/);
    assert.equal(executions().find((x) => x.executionId === e.id)?.status, "terminated");
    return true;
  });
  const slept = clock.sleptSince(sleeps);
  assert.deepEqual(slept.slice(0, 7), [5_000, 7_500, 11_250, 16_875, 25_312.5, 30_000, 30_000], "each interval half as long again, at most 30 s");
  assert.equal(clock.now() - started, 10 * 60_000, "waited exactly to the deadline");
});

test("timeout with cancelOnTimeout false leaves the run going", waits, async () => {
  await assert.rejects(create({ ...task("long-migration"), ...runner, waitTimeoutMinutes: 1, cancelOnTimeout: false }), (e: Error & { id?: string }) => {
    assert.match(e.message, /left running \(cancelOnTimeout=false\)/);
    assert.equal(executions().find((x) => x.executionId === e.id)?.status, "executing");
    return true;
  });
});

test("destroy cancels a run still going; destroying a finished run sends nothing", waits, async () => {
  const running = await f.createVia(f.taskExecution, { ...task("long-migration"), ...runner, waitForCompletion: false });
  assert.ok(["dispatching", "executing"].includes(running.outs.status));
  await f.taskExecution.delete(running.id, running.outs);
  assert.equal(executions().find((x) => x.executionId === running.id)?.status, "terminated");
  const done = await create({ ...task("seed-database"), ...runner });
  const deletes = f.emulator.requests().filter((r) => r.method === "DELETE").length;
  await f.taskExecution.delete(done.id, done.outs);
  assert.equal(f.emulator.requests().filter((r) => r.method === "DELETE").length, deletes);
});

test("missing 'Tasks and Plans - Edit' or EXECUTE: Talend's 403 is explained, each missing permission with its fix; nothing started", async () => {
  const weak = await f.createVia(f.serviceAccount, { name: "te-weak", permissions: ["TMC_ENGINE_USE"] });
  const posts = startPosts();
  const runs = executions().length;
  const from = f.emulator.requests().length;
  await assert.rejects(f.createVia(f.taskExecution, { ...task("seed-database"), clientId: weak.id, clientSecret: weak.outs.clientSecret }), (e: Error & { status?: number; code?: string }) => {
    assert.match(e.message, /^TaskExecution: cannot run task "seed-database" in ops \(development\): Talend answered 403 Forbidden; nothing was started:\n/);
    assert.match(e.message, new RegExp(`"Tasks and Plans - Edit" \\(${EDIT}\\): add "${EDIT}"`));
    assert.match(e.message, /has no permission on workspace "ops".*WorkspacePermission with permissions \["EXECUTE"\]/);
    assert.equal(e.status, 403);
    assert.equal(e.code, "missing-permission");
    return true;
  });
  const log = f.emulator.requests().slice(from).map((r) => `${r.method} ${r.path.replace(/\/[^/]*[0-9][^/]*/g, "/{id}")} ${r.status}`);
  assert.equal(startPosts(), posts + 1, "one POST, refused");
  assert.equal(executions().length, runs, "nothing started");
  const refused = log.indexOf("POST /processing/executions 403");
  assert.ok(refused >= 0, log.join("\n"));
  assert.deepEqual(log.slice(refused + 1), ["GET /account/service-accounts/{id} 200", "GET /security/workspaces/{id}/service-accounts/{id}/permissions 404"], "the account and its grant are read after the 403 only");
});

test("an allowed run reads neither its account nor its grant, and mints one token", waits, async () => {
  const from = f.emulator.requests().length;
  const { outs } = await create({ ...task("seed-database"), ...runner });
  assert.equal(outs.status, "execution_successful");
  const log = f.emulator.requests().slice(from);
  assert.deepEqual(log.filter((r) => r.method === "GET" && r.path.includes(runner.clientId)).map((r) => r.path), []);
  assert.equal(log.filter((r) => r.path === "/security/oauth/token").length, 1);
});

test("the support article's pitfall: a token minted before the grant gets 403, TaskExecution still runs", waits, async () => {
  const sa = await f.createVia(f.serviceAccount, { name: "te-stale", permissions: ["TMC_ENGINE_USE"] });
  const ops = workspaceId(f.emulator, "ops", "development");
  f.emulator.admin.setWorkspacePermission(ops, sa.id, ["EXECUTE"]);
  const stale = new TalendClient({ endpoint: f.emulator.url, credentials: { clientId: sa.id, clientSecret: sa.outs.clientSecret }, tokenCache: new TokenCache() });
  await stale.accessToken();
  // "Tasks and Plans - Edit" granted behind the provider's back, after the token was minted:
  f.emulator.admin.updateServiceAccount(sa.id, { permissions: ["TMC_ENGINE_USE", EDIT] });
  const taskId = (f.emulator.state().tasks as Array<{ id: string; name: string; workspaceId?: string }>).find((t) => t.name === "seed-database" && (t.workspaceId ?? ops) === ops)!.id;
  await assert.rejects(stale.executions.start({ executable: taskId }), (e: Error & { status?: number }) => e.status === 403);
  const { outs } = await create({ ...task("seed-database"), clientId: sa.id, clientSecret: sa.outs.clientSecret });
  assert.equal(outs.status, "execution_successful");
  await stale.close();
});

test("triggers decide reruns: same → no change; changed → replace; parameters only with rerunOnChange", async () => {
  const base = { ...task("seed-database"), ...runner, triggers: ["v1"], parameters: { a: "1" }, intentAt: 1, intentId: "request-1" };
  const olds = { ...(await f.taskExecution.check({}, base)).inputs, executionId: "e", status: "execution_successful" };
  const diff = async (news: Record<string, unknown>) => f.taskExecution.diff("e", olds, (await f.taskExecution.check({}, news)).inputs);
  assert.equal((await diff(base)).changes, false);
  assert.deepEqual((await diff({ ...base, triggers: ["v2"] })).replaces, ["triggers"]);
  const params = await diff({ ...base, parameters: { a: "2" } });
  assert.deepEqual([params.changes, params.replaces], [true, []]);
  assert.deepEqual((await diff({ ...base, parameters: { a: "2" }, rerunOnChange: true })).replaces, ["parameters"]);
  assert.deepEqual((await diff({ ...base, intentAt: 2, intentId: "request-2" })).replaces, ["intentId"], "a new request (pulumi up --replace of it) is a new run");
  assert.deepEqual((await diff({ ...base, intentAt: UNKNOWN, intentId: UNKNOWN })).replaces, ["intentId"], "in preview, a request being replaced has no id yet");
  assert.deepEqual((await diff({ ...base, intentAt: UNKNOWN })).changes, false, "a request updated in place keeps its id: no new run");
  // State written before 0.2.0 has no request id: its time decides, once known (the upgrade updates the request in place).
  const before020 = { ...olds, intentId: undefined };
  const diffBefore020 = async (news: Record<string, unknown>) => f.taskExecution.diff("e", before020, (await f.taskExecution.check({}, news)).inputs);
  assert.deepEqual((await diffBefore020({ ...base, intentAt: UNKNOWN })).changes, false, "the upgrade's in-place update of the request is not a new run");
  assert.deepEqual((await diffBefore020(base)).changes, false);
  assert.deepEqual((await diffBefore020({ ...base, intentAt: 2, intentId: "request-2" })).replaces, ["intentId"]);
  assert.equal((await f.taskExecution.diff("e", { ...olds, intentAt: undefined }, (await f.taskExecution.check({}, base)).inputs)).changes, true, "0.1.0 state is updated once to record its request");
});

test("a start whose response is lost after commit still yields exactly one run", waits, async () => {
  f.emulator.faults.add({ method: "POST", path: "/processing/executions", kind: "after-commit", status: 502, times: 1 });
  const before = executions().length;
  const posts = startPosts();
  const { outs } = await create({ ...task("seed-database"), ...runner });
  assert.equal(outs.status, "execution_successful");
  assert.equal(executions().length, before + 1, "exactly one execution");
  assert.equal(startPosts(), posts + 1, "no second POST");
});

test("a create retried after the apply died finds the run started after its request instead of starting another", async () => {
  const news = { ...task("long-migration"), ...runner, waitForCompletion: false, intentAt: await f.intentNow() };
  const first = await f.createVia(f.taskExecution, news);
  const posts = startPosts();
  // The engine died before writing state: the retried create knows only the request (the intent, in state).
  const second = await f.createVia(f.taskExecution, news);
  assert.equal(second.id, first.id);
  assert.equal(startPosts(), posts);
  await f.taskExecution.delete(second.id, second.outs);
  f.emulator.clock.advance(5_000); // a new request comes later (a Date header has second resolution)
  const third = await f.createVia(f.taskExecution, { ...news, intentAt: await f.intentNow() });
  assert.notEqual(third.id, first.id, "a new request runs again");
  assert.equal(startPosts(), posts + 1);
  await f.taskExecution.delete(third.id, third.outs);
});

/** A provider process of its own (its own context and caches), as one `pulumi up` has. */
function freshProcess() {
  const ctx = new Context({ baseUrl: f.emulator.url, token: ADMIN_PAT }, clock);
  return { ctx, provider: taskExecutionProvider(() => ctx) as unknown as Handler };
}

test("check then create of a run by names: the environment, workspace and task are read once per process", waits, async () => {
  const { ctx, provider } = freshProcess();
  const from = f.emulator.requests().length;
  const lookups = () => f.emulator.requests().slice(from).filter((r) => r.method === "GET" && r.path.startsWith("/orchestration/")).map((r) => r.path);
  try {
    const checked = await provider.check({}, { ...task("seed-database"), ...runner, intentAt: await f.intentNow() });
    assert.equal(checked.failures, undefined);
    const { outs } = await provider.create(checked.inputs!);
    assert.equal(outs.status, "execution_successful");
    assert.deepEqual(lookups(), ["/orchestration/environments", "/orchestration/workspaces", "/orchestration/executables/tasks"]);
  } finally {
    await ctx.client.close();
  }
});

test("a task name known only at apply time and mistyped fails the create with preview's words, and starts nothing", async () => {
  const { ctx, provider } = freshProcess();
  const posts = startPosts();
  const checked = await provider.check({}, { ...task("seed-database"), ...runner, intentAt: await f.intentNow() });
  try {
    await assert.rejects(provider.create({ ...checked.inputs!, task: "seed-databse" }), (e: Error & { code?: string }) => {
      assert.match(e.message, /^TaskExecution\.task: no task named "seed-databse" in workspace "ops" of environment "development" \[[0-9a-f]{24}\]; did you mean "seed-database"\?/);
      assert.equal(e.code, "not-found");
      return true;
    });
    assert.equal(startPosts(), posts);
  } finally {
    await ctx.client.close();
  }
});

test("a request created by this process has no earlier run to look for; one from state (an earlier process) is looked up", waits, async () => {
  const history = () => f.emulator.requests().filter((r) => r.method === "GET" && /^\/processing\/executables\/tasks\/[^/]+\/executions$/.test(r.path)).length;
  const request = await intentProvider(() => f.ctx).create({ key: "run-now" });
  const before = history();
  const fresh = await create({ ...task("seed-database"), ...runner, intentAt: request.outs!.recordedAt, intentId: request.id });
  assert.equal(fresh.outs.status, "execution_successful");
  assert.equal(history(), before, "no look for an earlier attempt's run");
  // A request this process did not create came from state: an apply may have died after its POST.
  const fromState = await create({ ...task("seed-database"), ...runner, intentAt: await f.intentNow(), intentId: "an-id-from-state" });
  assert.equal(fromState.outs.status, "execution_successful");
  assert.equal(history(), before + 1, "looked once, found nothing, started the run");
});
