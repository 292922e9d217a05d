import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { providerFixture, workspaceId } from "../helpers/provider-context";

let f: Awaited<ReturnType<typeof providerFixture>>;
let sa: string;
before(async () => {
  f = await providerFixture();
  sa = (await f.createVia(f.serviceAccount, { name: "wp-runner", permissions: ["TMC_ENGINE_USE"] })).id;
});
after(async () => f.close());

const livePerms = (ws: string, account: string) =>
  (f.emulator.state().workspacePermissions as Array<{ workspaceId: string; serviceAccountId?: string; userId?: string; permissions: string[] }>).find((p) => p.workspaceId === ws && (p.serviceAccountId ?? p.userId) === account)?.permissions;

test("check: workspace by id or by name + environment, permissions from the documented set", async () => {
  for (const [news, field, pattern] of [
    [{ serviceAccountId: "x", permissions: ["EXECUTE"] }, "workspace", /give workspaceId, or both workspace/],
    [{ serviceAccountId: "x", workspaceId: "w1", workspace: "ops", environment: "development", permissions: ["EXECUTE"] }, "workspaceId", /not both/],
    [{ serviceAccountId: "x", workspaceId: "w1", permissions: ["RUN"] }, "permissions", /one of EXECUTE, VIEW, AUTHOR, MANAGE, PUBLISH/],
    [{ serviceAccountId: "x", workspaceId: "w1", permissions: [] }, "permissions", /at least one/],
    [{ serviceAccountId: "../x", workspaceId: "w1", permissions: ["EXECUTE"] }, "serviceAccountId", /id as Talend returns it/],
  ] as const) {
    const r = await f.workspacePermission.check({}, news);
    assert.equal(r.failures?.[0]?.property, field, JSON.stringify(r));
    assert.match(r.failures![0]!.reason, pattern);
  }
  const ok = await f.workspacePermission.check({}, { serviceAccountId: "x", workspaceId: "w1", permissions: ["VIEW", "EXECUTE", "VIEW"] });
  assert.deepEqual(ok.inputs?.permissions, ["EXECUTE", "VIEW"]);
});

test("create by name, update in place, read drift, delete: one pair only, unitary endpoints only", async () => {
  const ws = workspaceId(f.emulator, "ops", "development");
  f.emulator.admin.setWorkspacePermission(ws, (await f.createVia(f.serviceAccount, { name: "wp-other" })).id, ["VIEW"]);
  const { id, inputs, outs } = await f.createVia(f.workspacePermission, { serviceAccountId: sa, workspace: "ops", environment: "development", permissions: ["EXECUTE"] });
  assert.equal(id, `${ws}/${sa}`);
  assert.equal(outs.resolvedWorkspaceId, ws);
  assert.deepEqual(livePerms(ws, sa), ["EXECUTE"]);
  const news = (await f.workspacePermission.check(inputs, { ...inputs, permissions: ["EXECUTE", "VIEW"] })).inputs;
  const d = await f.workspacePermission.diff(id, outs, news);
  assert.deepEqual([d.changes, d.replaces], [true, []]);
  const updated = await f.workspacePermission.update(id, outs, news);
  assert.deepEqual(livePerms(ws, sa)?.sort(), ["EXECUTE", "VIEW"]);
  f.emulator.admin.setWorkspacePermission(ws, sa, ["VIEW"]);
  const read = await f.workspacePermission.read(id, updated.outs);
  assert.deepEqual(read.props.permissions, ["VIEW"]);
  await f.workspacePermission.delete(id, updated.outs);
  assert.equal(livePerms(ws, sa), undefined);
  assert.equal((await f.workspacePermission.read(id, updated.outs)).id, undefined, "gone leaves state");
  await f.workspacePermission.delete(id, updated.outs); // already gone is success
  assert.equal(f.emulator.requests().filter((r) => r.path.includes("/batch")).length, 0, "never a batch endpoint");
  assert.ok(livePerms(ws, f.emulator.state().serviceAccounts.find((a) => a.name === "wp-other")!.id), "other principals untouched");
});

test("a set compares by value: Talend's order is no drift, and the next diff sees no change", async () => {
  const ws = workspaceId(f.emulator, "ops", "production");
  const { id, inputs, outs } = await f.createVia(f.workspacePermission, { serviceAccountId: sa, workspaceId: ws, permissions: ["VIEW", "EXECUTE", "VIEW"] });
  assert.deepEqual(outs.permissions, ["EXECUTE", "VIEW"]);
  f.emulator.admin.setWorkspacePermission(ws, sa, ["VIEW", "EXECUTE"]); // the same set, listed in Talend's order
  const read = await f.workspacePermission.read(id, outs);
  assert.deepEqual(read.props.permissions, ["EXECUTE", "VIEW"], "read reports the set, sorted");
  assert.equal((await f.workspacePermission.diff(id, read.props, inputs)).changes, false, "so a refresh shows no drift");
  await f.workspacePermission.delete(id, read.props);
});

test("409 fails with the fix, or is adopted when asked", async () => {
  const ws = workspaceId(f.emulator, "analytics", "development");
  f.emulator.admin.setWorkspacePermission(ws, sa, ["VIEW"]);
  await assert.rejects(f.createVia(f.workspacePermission, { serviceAccountId: sa, workspaceId: ws, permissions: ["EXECUTE"] }), /already has VIEW on workspace.*\n.*adoptExisting: true/s);
  const adopted = await f.createVia(f.workspacePermission, { serviceAccountId: sa, workspaceId: ws, permissions: ["EXECUTE"], adoptExisting: true });
  assert.equal(adopted.outs.adopted, true);
  assert.deepEqual(livePerms(ws, sa), ["EXECUTE"]);
});

test("a grant whose POST response is lost converges without error or duplicate", async () => {
  const ws = workspaceId(f.emulator, "ops", "production");
  f.emulator.faults.add({ method: "POST", path: `/security/workspaces/${ws}/service-accounts/${sa}/permissions`, kind: "after-commit", status: 503, times: 1 });
  await f.createVia(f.workspacePermission, { serviceAccountId: sa, workspaceId: ws, permissions: ["EXECUTE"] });
  assert.deepEqual(livePerms(ws, sa), ["EXECUTE"]);
});

test("a grant invalidates the account's cached tokens", async () => {
  const { outs } = await f.createVia(f.serviceAccount, { name: "wp-token", permissions: ["TMC_ENGINE_USE"] });
  const client = f.ctx.client.asServiceAccount(outs.clientId, outs.clientSecret);
  const before = await client.accessToken();
  await f.createVia(f.workspacePermission, { serviceAccountId: outs.clientId, workspace: "analytics", environment: "development", permissions: ["EXECUTE"] });
  assert.notEqual((await client.accessToken()).accessToken, before.accessToken);
});

test("adoption reads first: an equal set writes nothing, a different set is one PUT, no pair is one POST", async () => {
  const { id: account } = await f.createVia(f.serviceAccount, { name: "wp-adopt" });
  const writes = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.path.startsWith("/security/workspaces/")).map((r) => r.method);
  const adopt = (ws: string, permissions: string[]) => f.createVia(f.workspacePermission, { serviceAccountId: account, workspaceId: ws, permissions, adoptExisting: true });
  const [equal, different, none] = [["ops", "development"], ["analytics", "development"], ["ops", "production"]].map(([n, e]) => workspaceId(f.emulator, n!, e!));
  f.emulator.admin.setWorkspacePermission(equal!, account, ["VIEW", "EXECUTE"]);
  f.emulator.admin.setWorkspacePermission(different!, account, ["VIEW"]);
  for (const [ws, permissions, expected] of [[equal, ["EXECUTE", "VIEW"], []], [different, ["EXECUTE"], ["PUT"]], [none, ["EXECUTE"], ["POST"]]] as const) {
    f.emulator.clearRequests();
    const { outs } = await adopt(ws!, [...permissions]);
    assert.deepEqual(writes(), expected, ws);
    assert.deepEqual(livePerms(ws!, account)?.sort(), [...permissions].sort());
    assert.equal(outs.adopted, expected.length === 0 || expected[0] === "PUT");
  }
});
