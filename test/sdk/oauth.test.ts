import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type TalendError, TokenCache } from "../../sdk";
import { type Recorded, json } from "../helpers/http-server";
import { emulatorClient, withScriptedClient } from "../helpers/sdk-client";

const token = (n: number) => json(200, { access_token: `tok-${n}-abcdef`, token_type: "Bearer", expires_in: "1800" });

test("tokens are minted once, cached, renewed before expiry, and concurrent callers share one mint", async () => {
  let now = 1_000_000;
  const cache = new TokenCache(60_000, () => now);
  let mints = 0;
  const mint = async () => ({ accessToken: `t${++mints}`, mintedAt: now, expiresAt: now + 1_800_000 });
  const [a, b] = await Promise.all([cache.get("sa", mint), cache.get("sa", mint)]);
  assert.equal(a.accessToken, "t1");
  assert.equal(b.accessToken, "t1");
  assert.equal((await cache.get("sa", mint)).accessToken, "t1");
  now += 1_800_000 - 59_000; // inside the renewal margin
  assert.equal((await cache.get("sa", mint)).accessToken, "t2");
  now += 10 * 60_000 * 6; // long after expiry: swept from memory
  assert.equal(cache.size, 0);
});

test("a permission change makes earlier tokens stale", async () => {
  let now = 5_000;
  const cache = new TokenCache(60_000, () => now);
  let n = 0;
  const mint = async () => ({ accessToken: `t${++n}`, mintedAt: now, expiresAt: now + 1_800_000 });
  const first = await cache.get("sa", mint);
  now += 10;
  cache.markPermissionsChanged("sa");
  assert.ok(cache.isStale("sa", first));
  now += 10;
  assert.equal((await cache.get("sa", mint)).accessToken, "t2");
});

test("a token whose mint was requested after the change is fresh, even within the same millisecond", async () => {
  const now = 7_000; // a frozen clock: the mark and the mint share one millisecond, as they usually do
  const cache = new TokenCache(60_000, () => now);
  let n = 0;
  const mint = async () => ({ accessToken: `t${++n}`, mintedAt: now, expiresAt: now + 1_800_000 });
  const before = await cache.get("sa", mint);
  cache.markPermissionsChanged("sa");
  assert.ok(cache.isStale("sa", before), "minted before the change");
  const after = await cache.get("sa", mint);
  assert.equal(after.accessToken, "t2");
  assert.equal(cache.isStale("sa", after), false, "minted after the change");
  assert.equal((await cache.get("sa", mint)).accessToken, "t2", "reused: no second mint for the same change");
  assert.equal(n, 2);
});

test("a mint requested before a change is not shared with callers after it, nor cached over the newer token", async () => {
  const cache = new TokenCache(60_000, () => 9_000);
  const releases: Array<() => void> = [];
  let n = 0;
  const mint = () => {
    const token = { accessToken: `t${++n}`, mintedAt: 9_000, expiresAt: 9_000 + 1_800_000 };
    return new Promise<typeof token>((resolve) => releases.push(() => resolve(token)));
  };
  const early = cache.get("sa", mint);
  cache.markPermissionsChanged("sa"); // a grant lands while that mint is in flight
  const late = cache.get("sa", mint);
  assert.equal(n, 2, "the caller after the change gets a mint of its own");
  releases[1]!();
  assert.equal((await late).accessToken, "t2");
  releases[0]!();
  assert.equal((await early).accessToken, "t1", "the earlier caller still gets its answer");
  assert.ok(cache.isStale("sa", await early));
  assert.equal((await cache.get("sa", mint)).accessToken, "t2", "the newer token stays cached");
  assert.equal(n, 2);
});

const asClient1 = { credentials: { clientId: "client-1", clientSecret: "secret-1" }, rateLimits: false as const };

test("the client mints with Basic auth and the documented JSON body, and re-mints once on 401", async () => {
  await withScriptedClient([token(1), json(401, {}), token(2), json(200, [])], asClient1, async (client, s) => {
    await client.serviceAccounts.list();
    const [mint1, call1, mint2, call2] = s.requests as [Recorded, Recorded, Recorded, Recorded];
    assert.equal(mint1.url, "/security/oauth/token");
    assert.equal(mint1.headers.authorization, `Basic ${Buffer.from("client-1:secret-1").toString("base64")}`);
    assert.deepEqual(JSON.parse(mint1.body), { audience: s.url, grant_type: "client_credentials" });
    assert.equal(call1.headers.authorization, "Bearer tok-1-abcdef");
    assert.equal(mint2.url, "/security/oauth/token");
    assert.equal(call2.headers.authorization, "Bearer tok-2-abcdef");
  });
});

test("a 403 with a token older than the account's last permission change is retried once with a fresh token", async () => {
  const cache = new TokenCache();
  let key = "";
  // The grant lands while the request is in flight: the server marks the change, then answers 403.
  const grantThenForbid = (_r: Recorded, res: import("node:http").ServerResponse) => {
    cache.markPermissionsChanged(key);
    json(403, { status: 403, message: "Forbidden" })(_r, res);
  };
  await withScriptedClient([token(1), grantThenForbid, token(2), json(201, { executionId: "e-1" })], { ...asClient1, tokenCache: cache }, async (client, s) => {
    key = `${s.url}|client-1`;
    const res = await client.executions.start({ executable: "t1" });
    assert.equal(res.executionId, "e-1");
    assert.deepEqual(s.requests.map((r) => r.headers.authorization?.split(" ")[1]?.slice(0, 5)), [s.requests[0]!.headers.authorization!.split(" ")[1]!.slice(0, 5), "tok-1", s.requests[0]!.headers.authorization!.split(" ")[1]!.slice(0, 5), "tok-2"]);
  });
});

test("a run's token, minted right after marking the change, is the one its request uses: one mint", async () => {
  await withScriptedClient([token(1), json(201, { executionId: "e-1" })], asClient1, async (client, s) => {
    client.markPermissionsChanged("client-1");
    await client.accessToken();
    assert.equal((await client.executions.start({ executable: "t1" })).executionId, "e-1");
    assert.deepEqual(s.requests.map((r) => r.url), ["/security/oauth/token", "/processing/executions"]);
  });
});

test("a 403 with a fresh token is not retried", async () => {
  await withScriptedClient([token(1), json(403, { status: 403, message: "Forbidden" })], asClient1, async (client, s) => {
    await assert.rejects(client.executions.start({ executable: "t1" }), /403/);
    assert.equal(s.requests.length, 2);
  });
});

describe("against the emulator", () => {
  const e = emulatorClient();

  test("a service account's client mints one token for many calls, and a new one after its permissions change", async () => {
    const sa = await e.client.serviceAccounts.create({ name: "sdk-oauth", permissions: ["TMC_ENGINE_USE"] });
    e.emulator.admin.setWorkspacePermission(e.emulator.state().workspaces[0]!.id, sa.id, ["VIEW"]);
    const asAccount = e.client.asServiceAccount(sa.id, sa.secret);
    const minted = () => e.emulator.state().tokensMinted;
    const before = minted();
    for (let i = 0; i < 5; i++) await asAccount.tasks.list();
    assert.equal(minted(), before + 1, "one mint for five calls");
    await e.client.serviceAccounts.update(sa.id, { name: "sdk-oauth", permissions: ["TMC_ENGINE_USE", "AUDIT_LOGS_VIEW"] });
    e.client.markPermissionsChanged(sa.id);
    await asAccount.tasks.list();
    assert.equal(minted(), before + 2, "the change is followed by a fresh token");
  });

  test("a wrong secret is invalid-client, and the secret appears nowhere in the error", async () => {
    const sa = await e.client.serviceAccounts.create({ name: "sdk-oauth-wrong", permissions: [] });
    const wrong = `${sa.secret}-wrong`;
    await assert.rejects(e.client.asServiceAccount(sa.id, wrong).accessToken(), (err: TalendError) => {
      assert.deepEqual([err.code, err.status, err.path], ["invalid-client", 401, "/security/oauth/token"]);
      assert.ok(!`${err.message}${err.stack}${JSON.stringify(err)}`.includes(wrong));
      return true;
    });
  });
});
