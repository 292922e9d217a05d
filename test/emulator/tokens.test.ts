import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { ADMIN, assertErrorResponse, call, conforms, createAccount, ids, mint } from "./support";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(() => emu.close());

const TOKEN = "/security/oauth/token";
const body = () => ({ audience: emu.url, grant_type: "client_credentials" });

test("token: 200 {access_token, token_type: Bearer, expires_in: \"1800\"} for Basic id:secret and a JSON body", async () => {
  const sa = await createAccount(emu, "tok-ok");
  const before = emu.state().tokensMinted;
  const r = await conforms(emu, "POST", TOKEN, TOKEN, 200, { basic: `${sa.id}:${sa.secret}`, body: body() });
  assert.equal(r.body.token_type, "Bearer");
  assert.equal(r.body.expires_in, "1800", "a string, as the spec declares");
  assert.equal(r.body.access_token.split(".").length, 3, "JWT-shaped");
  const claims = JSON.parse(Buffer.from(r.body.access_token.split(".")[1], "base64url").toString());
  assert.equal(claims.sub, sa.id);
  assert.equal(claims.exp - claims.iat, 1800);
  assert.equal(emu.state().tokensMinted, before + 1);
  const second = await mint(emu, sa);
  assert.notEqual(second, r.body.access_token, "every mint is a new token");
});

test("token errors: 401 on a wrong secret, unknown id, missing or non-Basic credentials; 400 without audience or grant_type", async () => {
  const sa = await createAccount(emu, "tok-bad");
  await conforms(emu, "POST", TOKEN, TOKEN, 401, { basic: `${sa.id}:wrong`, body: body() });
  await conforms(emu, "POST", TOKEN, TOKEN, 401, { basic: `nobody:${sa.secret}`, body: body() });
  await conforms(emu, "POST", TOKEN, TOKEN, 401, { basic: `${sa.id}`, body: body() });
  await conforms(emu, "POST", TOKEN, TOKEN, 401, { body: body() });
  await conforms(emu, "POST", TOKEN, TOKEN, 401, { token: ADMIN, body: body() });
  for (const bad of [{ audience: emu.url }, { grant_type: "client_credentials" }, { audience: emu.url, grant_type: "password" }, { audience: "", grant_type: "client_credentials" }]) {
    assertErrorResponse(await call(emu, "POST", TOKEN, { basic: `${sa.id}:${sa.secret}`, body: bad }), 400);
  }
  assertErrorResponse(await call(emu, "POST", TOKEN, { basic: `${sa.id}:${sa.secret}`, raw: "audience=x&grant_type=client_credentials" }), 400);
});

test("tokens expire after tokenLifetimeSeconds of the emulator's clock: 401, then a fresh token works", async () => {
  const sa = await createAccount(emu, "tok-expiry");
  const token = await mint(emu, sa);
  emu.clock.advance(1799_000);
  assert.equal((await call(emu, "GET", "/orchestration/environments", { token })).status, 200);
  emu.clock.advance(1_000);
  assertErrorResponse(await call(emu, "GET", "/orchestration/environments", { token }), 401);
  assert.equal((await call(emu, "GET", "/orchestration/environments", { token: await mint(emu, sa) })).status, 200);
});

test("a short tokenLifetimeSeconds is honoured and reported", async () => {
  const short = await startEmulator({ tokenLifetimeSeconds: 60 });
  try {
    const sa = await createAccount(short, "short");
    const r = await call(short, "POST", TOKEN, { basic: `${sa.id}:${sa.secret}`, body: { audience: short.url, grant_type: "client_credentials" } });
    assert.equal(r.body.expires_in, "60");
    short.clock.advance(60_000);
    assert.equal((await call(short, "GET", "/orchestration/environments", { token: r.body.access_token })).status, 401);
  } finally {
    await short.close();
  }
});

test("a token snapshots account and workspace permissions at mint time; PATs are live", async () => {
  const sa = await createAccount(emu, "tok-snapshot");
  const { ws } = ids(emu);
  const before = await mint(emu, sa);
  await call(emu, "PUT", `/account/service-accounts/${sa.id}`, { token: ADMIN, body: { name: "tok-snapshot", permissions: ["TMC_SERVICE_ACCOUNT_MANAGEMENT"] } });
  emu.admin.setWorkspacePermission(ws("analytics"), sa.id, ["VIEW"]);
  assert.equal((await call(emu, "GET", "/account/service-accounts", { token: before })).status, 403, "the old token lacks the new permission");
  assert.equal((await call(emu, "GET", "/orchestration/executables/tasks", { token: before })).body.total, 0, "and the new workspace");
  const after = await mint(emu, sa);
  assert.equal((await call(emu, "GET", "/account/service-accounts", { token: after })).status, 200);
  assert.deepEqual((await call(emu, "GET", "/orchestration/executables/tasks", { token: after })).body.items.map((t: { name: string }) => t.name), ["nightly-load"]);
  // Revoking works the same way round: the token minted with the permission keeps it.
  emu.admin.updateServiceAccount(sa.id, { permissions: [] });
  assert.equal((await call(emu, "GET", "/account/service-accounts", { token: after })).status, 200);
  assert.equal((await call(emu, "GET", "/account/service-accounts", { token: await mint(emu, sa) })).status, 403);
  // A PAT user's changes apply at once.
  emu.admin.addUser({ id: "live-user", login: "live@example.com", pat: "live-user-pat", permissions: [], workspaces: {} });
  assert.equal((await call(emu, "GET", "/account/service-accounts", { token: "live-user-pat" })).status, 403);
});

test("401 everywhere without a bearer token, in each family's error shape", async () => {
  for (const path of ["/orchestration/workspaces", "/processing/executions/x", "/monitoring/executions/x/logs", "/security/service-accounts/permissions"]) {
    assertErrorResponse(await call(emu, "GET", path), 401);
    assertErrorResponse(await call(emu, "GET", path, { token: "garbage" }), 401);
  }
});
