import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { ADMIN, assertErrorResponse, assertSaError, call, createAccount, ids, mint } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator({ randomSeed: 42 })));
after(() => emu.close());

const ENVS = "/orchestration/environments";
const last = () => emu.requests().at(-1)!;

test("fault 'status': the family's error body, Retry-After, limited by times and method", async () => {
  emu.faults.add({ method: "GET", path: ENVS, kind: "status", status: 429, retryAfter: "7", times: 2 });
  const r = await call(emu, "GET", ENVS, { token: ADMIN });
  assertErrorResponse(r, 429);
  assert.equal(r.headers.get("retry-after"), "7");
  assert.deepEqual([last().status, last().fault], [429, "status"]);
  assert.equal((await call(emu, "POST", ENVS, { token: ADMIN, body: {} })).status, 405, "other methods untouched");
  assert.equal((await call(emu, "GET", ENVS, { token: ADMIN })).status, 429);
  assert.equal((await call(emu, "GET", ENVS, { token: ADMIN })).status, 200, "times: 2 used up");
  emu.faults.add({ path: "/account/*", kind: "status", times: 1 });
  const sa = await call(emu, "GET", "/account/service-accounts", { token: ADMIN });
  assertSaError(sa, 503);
  emu.faults.clear();
});

test("fault 'reset' destroys the connection before the handler runs; nothing happens", async () => {
  emu.faults.add({ method: "POST", path: "/account/service-accounts", kind: "reset", times: 1 });
  await assert.rejects(call(emu, "POST", "/account/service-accounts", { token: ADMIN, body: { name: "never-created", permissions: [] } }));
  assert.equal(emu.state().serviceAccounts.some((a) => a.name === "never-created"), false);
  assert.deepEqual([last().status, last().fault], [0, "reset"]);
});

test("fault 'after-commit': the effect is kept, the client gets a 5xx, a reset, or a raw body", async () => {
  emu.faults.add({ method: "POST", path: "/account/service-accounts", kind: "after-commit", times: 1 });
  assert.equal((await call(emu, "POST", "/account/service-accounts", { token: ADMIN, body: { name: "ghost-502", permissions: [] } })).status, 502);
  assert.ok(emu.state().serviceAccounts.some((a) => a.name === "ghost-502"));
  emu.faults.add({ method: "POST", path: "/account/service-accounts", kind: "after-commit", status: 504, times: 1 });
  assert.equal((await call(emu, "POST", "/account/service-accounts", { token: ADMIN, body: { name: "ghost-504", permissions: [] } })).status, 504);
  emu.faults.add({ method: "POST", path: "/account/service-accounts", kind: "after-commit", status: 0, times: 1 });
  await assert.rejects(call(emu, "POST", "/account/service-accounts", { token: ADMIN, body: { name: "ghost-reset", permissions: [] } }));
  assert.ok(emu.state().serviceAccounts.some((a) => a.name === "ghost-reset"));
  assert.deepEqual([last().status, last().fault], [0, "after-commit"]);
  emu.faults.add({ method: "POST", path: "/processing/executions", kind: "after-commit", status: 200, body: '{"executionId": "trunc', times: 1 });
  const before = emu.state().executions.length;
  const r = await call(emu, "POST", "/processing/executions", { token: ADMIN, body: { executable: ids(emu).task("seed-database") } });
  assert.deepEqual([r.status, r.text], [200, '{"executionId": "trunc']);
  assert.equal(emu.state().executions.length, before + 1, "the run started anyway");
});

test("fault 'latency' delays, then answers normally", async () => {
  emu.faults.add({ path: "/orchestration/workspaces", kind: "latency", latencyMs: 200, times: 1 });
  const t0 = Date.now();
  const r = await call(emu, "GET", "/orchestration/workspaces", { token: ADMIN });
  assert.ok(Date.now() - t0 >= 190, `took ${Date.now() - t0} ms`);
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 3);
  assert.equal(last().fault, "latency");
});

test("fault 'body': a raw body with its own content type (an HTML error page from a proxy)", async () => {
  emu.faults.add({ path: /^\/orchestration\/work/, kind: "body", status: 502, body: "<html><body>Bad gateway</body></html>", contentType: "text/html", times: 1 });
  const r = await call(emu, "GET", "/orchestration/workspaces", { token: ADMIN });
  assert.deepEqual([r.status, r.headers.get("content-type"), r.text], [502, "text/html", "<html><body>Bad gateway</body></html>"]);
});

test("fault 'hang' never answers; close() still returns", async () => {
  const local = await startEmulator();
  local.faults.add({ path: ENVS, kind: "hang" });
  const aborted = fetch(local.url + ENVS, { headers: { authorization: `Bearer ${ADMIN}` }, signal: AbortSignal.timeout(300) });
  await assert.rejects(aborted, (e: Error) => e.name === "TimeoutError");
  const pending = new Promise<string>((resolve) => {
    const req = request(local.url + ENVS, { headers: { authorization: `Bearer ${ADMIN}` } }, () => resolve("answered"));
    req.on("error", () => resolve("connection closed"));
    req.end();
  });
  await local.waitForRequest((r) => r.seq === 2);
  assert.deepEqual(local.requests().map((r) => [r.status, r.fault]), [[0, "hang"], [0, "hang"]]);
  await local.close();
  assert.equal(await pending, "connection closed");
});

test("waitForRequest: a request already answered at once, a later one when answered, none by its deadline; onRequest until stopped", async () => {
  const local = await startEmulator();
  try {
    await call(local, "GET", ENVS, { token: ADMIN });
    assert.equal((await local.waitForRequest((r) => r.path === ENVS)).status, 200, "already in the log");
    const seen: string[] = [];
    const stop = local.onRequest((r) => seen.push(`${r.method} ${r.path} ${r.status}`));
    local.faults.add({ path: "/orchestration/workspaces", kind: "latency", latencyMs: 150, times: 1 });
    const answered = local.waitForRequest((r) => r.path === "/orchestration/workspaces");
    const reply = call(local, "GET", "/orchestration/workspaces", { token: ADMIN });
    assert.equal((await answered).status, 200, "resolved once answered (the status is 0 until then)");
    assert.equal((await reply).status, 200);
    stop();
    await call(local, "GET", ENVS, { token: ADMIN });
    assert.deepEqual(seen, ["GET /orchestration/workspaces 200"], "each request once, none after stop()");
    await assert.rejects(local.waitForRequest((r) => r.method === "DELETE", 50), /no matching request within 50 ms/);
    const abandoned = local.waitForRequest((r) => r.method === "DELETE");
    await local.close();
    await assert.rejects(abandoned, /closed while a test waited/);
  } finally {
    await local.close();
  }
});

test("fault probability uses the seeded generator: the same seed fails the same requests", async () => {
  const pattern = async () => {
    const e = await startEmulator({ randomSeed: 7 });
    try {
      e.faults.add({ path: ENVS, kind: "status", status: 503, probability: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await call(e, "GET", ENVS, { token: ADMIN })).status);
      return out;
    } finally {
      await e.close();
    }
  };
  const a = await pattern();
  assert.deepEqual(await pattern(), a);
  const failures = a.filter((s) => s === 503).length;
  assert.ok(failures > 5 && failures < 25, `about half fail (${failures}/30)`);
});

test("rate limits per API family: 429 with Retry-After over the limit, reset after a minute of the clock", async () => {
  const limited = await startEmulator({ rateLimitPerMinute: { orchestration: 2 } });
  try {
    assert.equal((await call(limited, "GET", ENVS, { token: ADMIN })).status, 200);
    assert.equal((await call(limited, "GET", ENVS, { token: ADMIN })).status, 200);
    const over = await call(limited, "GET", ENVS, { token: ADMIN });
    assertErrorResponse(over, 429);
    assert.ok(Number(over.headers.get("retry-after")) >= 1);
    assert.equal((await call(limited, "GET", "/account/service-accounts", { token: ADMIN })).status, 200, "other families unaffected");
    limited.clock.advance(60_000);
    assert.equal((await call(limited, "GET", ENVS, { token: ADMIN })).status, 200);
  } finally {
    await limited.close();
  }
});

test("the request log: method, path, query, status, principal, talend-version — and never a credential", async () => {
  emu.clearRequests();
  assert.deepEqual(emu.requests(), []);
  const sa = await createAccount(emu, "log-sa", ["TMC_ENGINE_USE"]);
  const token = await mint(emu, sa);
  await call(emu, "GET", `/orchestration/executables/tasks?limit=5&name=seed-database`, { token });
  await fetch(`${emu.url}/orchestration/environments?access_token=${token}&talendVersion=2021-03`);
  await call(emu, "POST", "/security/oauth/token", { basic: `${sa.id}:wrong-${sa.secret}`, body: { audience: emu.url, grant_type: "client_credentials" } });
  const log = emu.requests();
  const [create, mintReq, list, queryToken, badMint] = log;
  assert.deepEqual([create!.method, create!.path, create!.status, create!.principal], ["POST", "/account/service-accounts", 201, { kind: "pat", id: emu.state().users[0]!.id }]);
  assert.deepEqual([mintReq!.status, mintReq!.principal], [200, { kind: "service-account", id: sa.id }]);
  assert.deepEqual([list!.query, list!.principal, list!.talendVersion], [{ limit: "5", name: "seed-database" }, { kind: "service-account", id: sa.id }, "2021-03"]);
  assert.deepEqual([queryToken!.status, queryToken!.query.access_token, queryToken!.talendVersion], [401, "[redacted]", "2021-03"]);
  assert.deepEqual([badMint!.status, badMint!.principal], [401, { kind: "none" }]);
  assert.deepEqual(log.map((r) => r.seq), [...log.map((r) => r.seq)].sort((a, b) => a - b));
  const text = JSON.stringify(log) + JSON.stringify(await (await fetch(`${emu.url}/_emulator/requests`)).json());
  for (const secret of [sa.secret, token, ADMIN, "Bearer", "Basic", Buffer.from(`${sa.id}:${sa.secret}`).toString("base64")]) assert.equal(text.includes(secret), false, `the log leaks ${secret.slice(0, 12)}…`);
  assert.equal(/authorization/i.test(text), false);
});

test("the HTTP admin surface: state, requests, faults (path or regex), clock, admin ops", async () => {
  const base = `${emu.url}/_emulator`;
  const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const state = (await (await fetch(`${base}/state`)).json()) as object;
  assert.deepEqual(Object.keys(state).sort(), ["catalog", "environments", "executions", "serviceAccounts", "tasks", "tenantId", "tokensMinted", "users", "workspacePermissions", "workspaces"]);
  assert.equal(JSON.stringify(state).includes(ADMIN), false, "PATs are not in the state dump");
  assert.equal((await post("/faults", { regex: "^/orchestration/env", kind: "status", status: 500, times: 1 })).status, 204);
  assert.equal((await call(emu, "GET", ENVS, { token: ADMIN })).status, 500);
  assert.equal((await post("/faults", { path: ENVS, kind: "status", status: 418 })).status, 204);
  assert.equal((await call(emu, "GET", ENVS, { token: ADMIN })).status, 418);
  assert.equal((await fetch(`${base}/faults`, { method: "DELETE" })).status, 204);
  assert.equal((await call(emu, "GET", ENVS, { token: ADMIN })).status, 200);
  assert.equal((await post("/faults", { kind: "status" })).status, 400, "a rule needs a path or a regex");
  const t0 = emu.clock.now();
  const adv = await post("/clock/advance", { ms: 3_600_000 });
  assert.equal(adv.status, 200);
  assert.ok(emu.clock.now() - t0 >= 3_600_000);
  const sa = await createAccount(emu, "http-admin");
  assert.equal((await post("/admin/setWorkspacePermission", { args: [ids(emu).ws("ops"), sa.id, ["VIEW"]] })).status, 200);
  assert.deepEqual(emu.state().workspacePermissions.find((p) => p.serviceAccountId === sa.id)?.permissions, ["VIEW"]);
  assert.equal((await post("/admin/updateServiceAccount", { args: [sa.id, { name: "renamed-behind-back" }] })).status, 200);
  assert.equal(emu.state().serviceAccounts.find((a) => a.id === sa.id)?.name, "renamed-behind-back");
  const added = (await (await post("/admin/addTask", { args: [{ name: "via-http", workspace: "ops", environment: "production" }] })).json()) as { result: string };
  assert.match(added.result, /^[0-9a-f]{24}$/);
  assert.equal((await post("/admin/deleteServiceAccount", { args: ["no-such-id"] })).status, 400);
  assert.equal((await post("/admin/constructor", { args: [] })).status, 404);
  assert.equal((await post("/admin/deleteServiceAccount", { args: [sa.id] })).status, 200);
  assert.equal(emu.state().serviceAccounts.some((a) => a.id === sa.id), false);
  assert.equal((await fetch(`${base}/requests`, { method: "DELETE" })).status, 204);
  assert.deepEqual(emu.requests(), []);
});

test("the CLI prints its URL and the admin PAT, serves, and stops on SIGTERM", async () => {
  const child = spawn(process.execPath, [join(__dirname, "..", "..", "emulator", "cli.js"), "--port", "0", "--tasks-and-plans-edit-permission", "TMC_CLI_EDIT"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (c: Buffer) => ((text += c), text.includes("token") && resolve(text)));
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${text}`)));
      setTimeout(() => reject(new Error(`no banner: ${text}`)), 10_000).unref();
    });
    const url = /Talend Cloud emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url, out);
    assert.match(out, /emulator-admin-pat/);
    const catalogue = (await (await fetch(`${url}/account/service-accounts/permissions`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as string[];
    assert.ok(catalogue.includes("TMC_CLI_EDIT"));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
