import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { parseFiql } from "../../emulator/fiql";
import { ADMIN, VIEWER, assertErrorResponse, call, conforms, createAccount, ids, mint } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(() => emu.close());

const ENVS = "/orchestration/environments";
const WSS = "/orchestration/workspaces";
const TASKS = "/orchestration/executables/tasks";
const TASK = "/orchestration/executables/tasks/{taskId}";
const names = (list: { name: string }[]) => list.map((x) => x.name).sort();
const q = (path: string, query: string) => `${path}?query=${encodeURIComponent(query)}`;

test("environments: the seeded two, development default; 24-hex ids stable across emulators", async () => {
  const r = await conforms(emu, "GET", ENVS, ENVS, 200, { token: VIEWER });
  assert.deepEqual(r.body.map((e: { name: string; default: boolean }) => [e.name, e.default]), [["development", true], ["production", false]]);
  for (const e of r.body) assert.match(e.id, /^[0-9a-f]{24}$/);
  const other = await startEmulator();
  try {
    assert.deepEqual(other.state().workspaces.map((w) => w.id), emu.state().workspaces.map((w) => w.id));
    assert.deepEqual(other.state().tasks.map((t) => t.id), emu.state().tasks.map((t) => t.id));
  } finally {
    await other.close();
  }
});

test("workspaces: WorkspaceInfo with the environment embedded; 'ops' exists in both environments", async () => {
  const r = await conforms(emu, "GET", WSS, WSS, 200, { token: ADMIN });
  assert.deepEqual(names(r.body), ["analytics", "ops", "ops"]);
  const ops = r.body.filter((w: { name: string }) => w.name === "ops");
  assert.deepEqual(ops.map((w: { environment: { name: string } }) => w.environment.name).sort(), ["development", "production"]);
  for (const w of r.body) {
    assert.match(w.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(Object.keys(w.environment).sort(), ["default", "id", "name"]);
    assert.ok(w.owner && w.type);
  }
});

test("FIQL over HTTP: ==, !=, ; and , with parentheses, wildcards, environment.* selectors", async () => {
  const { env } = ids(emu);
  const get = async (path: string, query: string) => {
    const r = await call(emu, "GET", q(path, query), { token: ADMIN });
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    return r.body as { name: string; environment?: { name: string } }[];
  };
  assert.deepEqual(names(await get(WSS, "name==ops")), ["ops", "ops"]);
  assert.deepEqual((await get(WSS, `name==ops;environment.id==${env("production")}`)).map((w) => w.environment!.name), ["production"]);
  assert.deepEqual(names(await get(WSS, "environment.name==development")), ["analytics", "ops"]);
  assert.deepEqual(names(await get(WSS, "name!=ops")), ["analytics"]);
  assert.deepEqual(names(await get(WSS, "name==analytics,name==ops;environment.name==production")), ["analytics", "ops"], "; binds tighter than ,");
  assert.deepEqual(names(await get(WSS, "(name==analytics,name==ops);environment.name==production")), ["ops"]);
  assert.deepEqual(names(await get(WSS, "name==*a*")), ["analytics"]);
  assert.deepEqual(names(await get(WSS, "name==o*")), ["ops", "ops"]);
  assert.deepEqual(names(await get(ENVS, "name==prod*")), ["production"]);
  assert.deepEqual(names(await get(ENVS, `id==${env("development")}`)), ["development"]);
});

test("FIQL: metacharacters inside quoted values are literal", async () => {
  const weird = await startEmulator({
    seed: {
      users: [{ id: "u", login: "a@x", pat: "weird-admin-pat", permissions: ["*"], workspaces: "*" }],
      environments: [{ name: "dev", default: true }],
      workspaces: ["a;b", "a,b", "(x)", "star*", "starry", 'say "hi"', "back\\slash", "ops"].map((name) => ({ name, environment: "dev" })),
    },
  });
  try {
    const get = async (query: string) => {
      const r = await call(weird, "GET", q(WSS, query), { token: "weird-admin-pat" });
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      return names(r.body);
    };
    assert.deepEqual(await get('name=="a;b"'), ["a;b"]);
    assert.deepEqual(await get("name=='a,b'"), ["a,b"]);
    assert.deepEqual(await get('name=="(x)"'), ["(x)"]);
    assert.deepEqual(await get('name=="star*"'), ["star*"], "a quoted * is a star, not a wildcard");
    assert.deepEqual(await get("name==star*"), ["star*", "starry"], "a bare * is a wildcard");
    assert.deepEqual(await get('name=="say \\"hi\\""'), ['say "hi"']);
    assert.deepEqual(await get('name=="back\\\\slash"'), ["back\\slash"]);
    assert.deepEqual(await get('name=="ops;name==a,b"'), [], "an injected clause stays inside the value");
    assert.deepEqual(await get('name==".*"'), [], "regex characters are not regex");
  } finally {
    await weird.close();
  }
});

test("FIQL syntax errors are 400 ErrorResponse", async () => {
  for (const bad of ["name=ops", "name==", "name==ops;", "(name==ops", "name==ops)", 'name=="ops', "name=gt=1", "nope==x", "==x", "name==a,,name==b"]) {
    const r = await call(emu, "GET", q(WSS, bad), { token: ADMIN });
    assertErrorResponse(r, 400);
    assert.ok(r.body.detail, bad);
  }
  assertErrorResponse(await conforms(emu, "GET", q(WSS, "name="), WSS, 400, { token: ADMIN }), 400);
  // The environments list documents no 400, but the same parser rejects the same mistakes.
  assertErrorResponse(await call(emu, "GET", q(ENVS, "name=dev"), { token: ADMIN }), 400);
});

test("FIQL parser: precedence and negation as pure functions", () => {
  const row = { name: "ops", "environment.name": "production" } as Record<string, string>;
  const evaluate = (s: string) => parseFiql(s, ["name", "environment.name"])((f) => row[f]);
  assert.equal(evaluate("name==x,name==ops;environment.name==production"), true);
  assert.equal(evaluate("(name==x,name==ops);environment.name==development"), false);
  assert.equal(evaluate("name!=x;name!=y"), true);
  assert.equal(evaluate("name==*"), true);
  assert.equal(evaluate('name==""'), false);
  assert.equal(evaluate("name==OPS"), false, "case-sensitive");
});

test("tasks: PageTask of TaskExtract, paging with limit/offset, filters", async () => {
  const { env, ws } = ids(emu);
  const all = await conforms(emu, "GET", TASKS, TASKS, 200, { token: ADMIN });
  assert.deepEqual([all.body.total, all.body.limit, all.body.offset, all.body.items.length], [4, 100, 0, 4]);
  const first = all.body.items[0];
  assert.match(first.executable, /^[0-9a-f]{24}$/);
  assert.deepEqual(Object.keys(first.workspace.environment).sort(), ["default", "id", "name"]);
  assert.equal(first.runtime.type, "CLOUD");
  const p1 = await conforms(emu, "GET", `${TASKS}?limit=3&offset=0`, TASKS, 200, { token: ADMIN });
  const p2 = await conforms(emu, "GET", `${TASKS}?limit=3&offset=3`, TASKS, 200, { token: ADMIN });
  assert.deepEqual([p1.body.items.length, p2.body.items.length, p2.body.total], [3, 1, 4]);
  assert.deepEqual([...p1.body.items, ...p2.body.items].map((t: { executable: string }) => t.executable), all.body.items.map((t: { executable: string }) => t.executable));
  const byName = (await call(emu, "GET", `${TASKS}?name=seed-database`, { token: ADMIN })).body;
  assert.equal(byName.total, 2);
  const inProd = (await call(emu, "GET", `${TASKS}?name=seed-database&environmentId=${env("production")}`, { token: ADMIN })).body;
  assert.deepEqual(inProd.items.map((t: { workspace: { environment: { name: string } } }) => t.workspace.environment.name), ["production"]);
  assert.equal((await call(emu, "GET", `${TASKS}?workspaceId=${ws("analytics")}`, { token: ADMIN })).body.items[0].name, "nightly-load");
  for (const bad of ["limit=0", "limit=101", "offset=-1", "limit=abc"]) assertErrorResponse(await conforms(emu, "GET", `${TASKS}?${bad}`, TASKS, 400, { token: ADMIN }), 400);
});

test("task by id: TaskV21; 404 ErrorResponse when unknown", async () => {
  const id = ids(emu).task("seed-database");
  const r = await conforms(emu, "GET", `${TASKS}/${id}`, TASK, 200, { token: ADMIN });
  assert.equal(r.body.id, id);
  assert.equal(r.body.workspace.name, "ops");
  assert.deepEqual(Object.keys(r.body.artifact).sort(), ["id", "name", "version"]);
  assert.deepEqual(r.body.parameters, { target_schema: "public" });
  assert.ok(Array.isArray(r.body.tags));
  assertErrorResponse(await conforms(emu, "GET", `${TASKS}/ffffffffffffffffffffffff`, TASK, 404, { token: ADMIN }), 404);
});

test("a service-account token sees only tasks of workspaces it held a permission on at mint time; PATs see all", async () => {
  const sa = await createAccount(emu, "tasks-sa");
  const { ws, task } = ids(emu);
  const none = await mint(emu, sa);
  assert.equal((await call(emu, "GET", TASKS, { token: none })).body.total, 0);
  assertErrorResponse(await call(emu, "GET", `${TASKS}/${task("nightly-load")}`, { token: none }), 404);
  emu.admin.setWorkspacePermission(ws("analytics"), sa.id, ["VIEW"]);
  const some = await mint(emu, sa);
  assert.deepEqual((await call(emu, "GET", TASKS, { token: some })).body.items.map((t: { name: string }) => t.name), ["nightly-load"]);
  assert.equal((await call(emu, "GET", `${TASKS}/${task("nightly-load")}`, { token: some })).status, 200);
  assert.equal((await call(emu, "GET", TASKS, { token: VIEWER })).body.total, 4);
});

test("unknown endpoints are 404, wrong methods 405, both as ErrorResponse", async () => {
  assertErrorResponse(await call(emu, "GET", "/orchestration/nothing-here", { token: ADMIN }), 404);
  assertErrorResponse(await call(emu, "DELETE", WSS, { token: ADMIN }), 405);
});
