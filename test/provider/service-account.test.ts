import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TalendClient, TokenCache } from "../../sdk";
import { UNKNOWN } from "../../provider/validation";
import { providerFixture } from "../helpers/provider-context";

let f: Awaited<ReturnType<typeof providerFixture>>;
before(async () => (f = await providerFixture()));
after(async () => f.close());

/** Someone else's account, created a while before our next intent (a Date header has second resolution). */
async function foreignAccount(name: string, permissions: string[] = []) {
  const account = await f.ctx.client.serviceAccounts.create({ name, permissions });
  f.emulator.clock.advance(5_000);
  return account;
}

const accounts = () => f.emulator.state().serviceAccounts as Array<{ id: string; name: string; permissions: string[]; secret?: string }>;

test("check normalizes permissions and names the field and the fix for bad input", async () => {
  const ok = await f.serviceAccount.check({}, { name: " ci ", permissions: ["TMC_ENGINE_USE", "AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"] });
  assert.deepEqual(ok.inputs?.permissions, ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"]);
  assert.equal(ok.inputs?.name, "ci");
  for (const [news, field, pattern] of [
    [{ name: "" }, "name", /must not be empty/],
    [{ name: "a/b" }, "name", /slashes/],
    [{ name: "ci", permissions: ["tmc engine use"] }, "permissions", /permission ID such as TMC_ENGINE_USE/],
    [{ name: "ci", permissions: "TMC_ENGINE_USE" }, "permissions", /list of permission IDs/],
    [{ name: "ci", adoptExisting: "yes" }, "adoptExisting", /true or false/],
  ] as const) {
    const r = await f.serviceAccount.check({}, news);
    assert.equal(r.failures?.[0]?.property, field, JSON.stringify(r));
    assert.match(r.failures![0]!.reason, pattern);
    assert.match(r.failures![0]!.reason, new RegExp(`ServiceAccount\\.${field}`));
  }
  // Unknown values (preview) are left for apply time.
  assert.deepEqual((await f.serviceAccount.check({}, { name: UNKNOWN, permissions: ["TMC_ENGINE_USE"] })).failures, undefined);
});

test("create returns a usable secret as soon as Talend answers (nothing but the POST and the catalogue)", async () => {
  const { inputs, id, outs } = await f.createVia(f.serviceAccount, { name: "sa-create", permissions: ["TMC_ENGINE_USE"] });
  assert.ok(id);
  assert.equal(outs.clientId, id);
  assert.equal(outs.accountName, "sa-create");
  assert.equal(outs.adopted, false);
  assert.ok(outs.clientSecret);
  assert.deepEqual(inputs.permissions, ["TMC_ENGINE_USE"]);
  assert.ok(!("lastUsedDate" in outs), "volatile fields are not outputs");
  const mints = f.emulator.requests().filter((r) => r.path === "/security/oauth/token" && r.principal.id === id);
  assert.equal(mints.length, 0, "no token is minted before the secret is in state");
  const own = new TalendClient({ endpoint: f.emulator.url, credentials: { clientId: id, clientSecret: outs.clientSecret }, tokenCache: new TokenCache() });
  assert.ok((await own.accessToken()).accessToken);
  await own.close();
});

test("unknown permission IDs fail before anything is created, naming the closest catalogue IDs", async () => {
  const before = f.posts("/account/service-accounts");
  await assert.rejects(f.createVia(f.serviceAccount, { name: "sa-typo", permissions: ["TMC_ENGIN_USE"] }), (e: Error) => {
    assert.match(e.message, /"TMC_ENGIN_USE" not in this tenant's permission catalogue/);
    assert.match(e.message, /did you mean "?TMC_ENGINE_USE/);
    return true;
  });
  assert.equal(f.posts("/account/service-accounts"), before);
});

test("a name already taken fails with the fix, or is adopted (without secret) when asked", async () => {
  await f.createVia(f.serviceAccount, { name: "sa-taken", permissions: ["AUDIT_LOGS_VIEW"] });
  f.emulator.clock.advance(5_000);
  await assert.rejects(f.createVia(f.serviceAccount, { name: "sa-taken", permissions: [] }), /already exists.*\n.*adoptExisting: true/s);
  const adopted = await f.createVia(f.serviceAccount, { name: "sa-taken", permissions: ["TMC_ENGINE_USE"], adoptExisting: true });
  assert.equal(adopted.outs.adopted, true);
  assert.equal(adopted.outs.clientSecret, undefined);
  assert.deepEqual(accounts().find((a) => a.name === "sa-taken")?.permissions, ["TMC_ENGINE_USE"], "adoption converges permissions");
  assert.equal(accounts().filter((a) => a.name === "sa-taken").length, 1);
});

test("a create whose response is lost after commit leaves exactly one account, with a secret we hold", async () => {
  f.emulator.faults.add({ method: "POST", path: "/account/service-accounts", kind: "after-commit", status: 502, times: 1 });
  const posts = f.posts("/account/service-accounts");
  const { id, outs } = await f.createVia(f.serviceAccount, { name: "sa-lost", permissions: ["TMC_ENGINE_USE"] });
  const matching = accounts().filter((a) => a.name === "sa-lost");
  assert.equal(matching.length, 1, "no orphan, no duplicate");
  assert.equal(matching[0]!.id, id);
  assert.equal(f.posts("/account/service-accounts") - posts, 2, "the lost POST, then one more after its orphan was deleted");
  const own = new TalendClient({ endpoint: f.emulator.url, credentials: { clientId: id, clientSecret: outs.clientSecret }, tokenCache: new TokenCache() });
  assert.ok(await own.accessToken(), "the secret in state works");
  await own.close();
});

test("update changes permissions in place and invalidates the account's cached tokens", async () => {
  const { id, inputs, outs } = await f.createVia(f.serviceAccount, { name: "sa-update", permissions: ["TMC_ENGINE_USE"] });
  const news = (await f.serviceAccount.check(inputs, { name: "sa-update", permissions: ["TMC_OPERATOR", "TMC_ENGINE_USE"] })).inputs;
  const diff = await f.serviceAccount.diff(id, outs, news);
  assert.deepEqual([diff.changes, diff.replaces], [true, []]);
  const sa = f.ctx.client.asServiceAccount(id, outs.clientSecret);
  const before = await sa.accessToken();
  const updated = await f.serviceAccount.update(id, outs, news);
  assert.deepEqual(updated.outs.permissions, ["TMC_ENGINE_USE", "TMC_OPERATOR"]);
  assert.deepEqual(accounts().find((a) => a.id === id)?.permissions.sort(), ["TMC_ENGINE_USE", "TMC_OPERATOR"]);
  const after = await sa.accessToken();
  assert.notEqual(after.accessToken, before.accessToken, "a token minted before the change is not reused");
});

test("diff: reordered permissions are no change; rotateSecret replaces (delete first unless uniqueSuffix)", async () => {
  const { id, outs } = await f.createVia(f.serviceAccount, { name: "sa-diff", permissions: ["TMC_ENGINE_USE", "AUDIT_LOGS_VIEW"] });
  const same = (await f.serviceAccount.check(outs, { name: "sa-diff", permissions: ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"] })).inputs;
  assert.equal((await f.serviceAccount.diff(id, outs, same)).changes, false);
  const rotated = (await f.serviceAccount.check(outs, { name: "sa-diff", permissions: ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"], rotateSecret: "2026-11" })).inputs;
  const d = await f.serviceAccount.diff(id, outs, rotated);
  assert.deepEqual([d.replaces, d.deleteBeforeReplace], [["rotateSecret"], true]);
  const unknownPerms = await f.serviceAccount.diff(id, outs, { ...same, permissions: UNKNOWN });
  assert.equal(unknownPerms.changes, true, "unknown values in preview show as a change");
});

test("uniqueSuffix keeps its suffix across updates and takes the new one on rotation (create before delete)", async () => {
  const first = await f.createVia(f.serviceAccount, { name: "sa-blue", uniqueSuffix: true, suffix: "a1b2c3" });
  assert.equal(first.outs.accountName, "sa-blue-a1b2c3");
  const again = (await f.serviceAccount.check(first.outs, { name: "sa-blue", uniqueSuffix: true, suffix: "a1b2c3", permissions: ["TMC_ENGINE_USE"] })).inputs;
  assert.equal(again.suffix, first.outs.suffix);
  const legacy = (await f.serviceAccount.check(first.outs, { name: "sa-blue", uniqueSuffix: true, suffix: "ffffff" })).inputs;
  assert.equal(legacy.suffix, "a1b2c3", "a suffix in state (0.1.0 picked it at random) survives until a rotation");
  const rotated = (await f.serviceAccount.check(first.outs, { name: "sa-blue", uniqueSuffix: true, rotateSecret: "r2", suffix: "d4e5f6", intentAt: await f.intentNow() })).inputs;
  assert.notEqual(rotated.suffix, first.outs.suffix);
  const d = await f.serviceAccount.diff(first.id, first.outs, rotated);
  assert.equal(d.deleteBeforeReplace, false);
  const second = await f.serviceAccount.create(rotated);
  assert.notEqual(second.id, first.id);
  assert.equal(accounts().filter((a) => a.name.startsWith("sa-blue-")).length, 2, "old and new coexist until the old is deleted");
  await f.serviceAccount.delete(first.id, first.outs);
  assert.equal(accounts().filter((a) => a.name.startsWith("sa-blue-")).length, 1);
});

test("read reports drift, forgets a deleted account, and delete of a gone account succeeds", async () => {
  const { id, outs } = await f.createVia(f.serviceAccount, { name: "sa-drift", permissions: ["TMC_ENGINE_USE"] });
  f.emulator.admin.updateServiceAccount(id, { name: "sa-drift-renamed", permissions: ["AUDIT_LOGS_VIEW"] });
  const read = await f.serviceAccount.read(id, outs);
  assert.equal(read.id, id);
  assert.equal(read.props.accountName, "sa-drift-renamed");
  assert.deepEqual(read.props.permissions, ["AUDIT_LOGS_VIEW"]);
  assert.equal(read.props.clientSecret, outs.clientSecret, "the secret survives refresh");
  const news = (await f.serviceAccount.check(outs, { name: "sa-drift", permissions: ["TMC_ENGINE_USE"] })).inputs;
  assert.equal((await f.serviceAccount.diff(id, read.props, news)).changes, true, "the next up repairs the drift");
  f.emulator.admin.deleteServiceAccount(id);
  assert.equal((await f.serviceAccount.read(id, outs)).id, undefined);
  await f.serviceAccount.delete(id, outs);
});

test("an apply that died after its POST left an account nobody has the secret of: the next create repairs it", async () => {
  // The intent in state, recorded before the dead apply's POST; then what that POST created, never seen.
  const intentAt = await f.intentNow();
  const ghost = await f.ctx.client.serviceAccounts.create({ name: "sa-died", permissions: [] });
  const { id, outs } = await f.createVia(f.serviceAccount, { name: "sa-died", permissions: ["TMC_ENGINE_USE"], intentAt });
  const matching = accounts().filter((a) => a.name === "sa-died");
  assert.equal(matching.length, 1);
  assert.notEqual(id, ghost.id, "the orphan was replaced");
  assert.equal(matching[0]!.secret, outs.clientSecret, "and we hold the new secret");
  assert.ok(!("intentAt" in outs), "the intent is bookkeeping, not an output");
});

test("an account older than the intent, or one that has been used, is never taken for ours", async () => {
  const foreign = await foreignAccount("sa-foreign");
  await assert.rejects(f.createVia(f.serviceAccount, { name: "sa-foreign" }), /already exists/);
  const intentAt = await f.intentNow();
  const used = await f.ctx.client.serviceAccounts.create({ name: "sa-used", permissions: [] });
  const own = new TalendClient({ endpoint: f.emulator.url, credentials: { clientId: used.id, clientSecret: used.secret }, tokenCache: new TokenCache() });
  await own.serviceAccounts.list().catch(() => undefined); // any call marks the account as used
  await own.close();
  await assert.rejects(f.createVia(f.serviceAccount, { name: "sa-used", intentAt }), /already exists/);
  assert.ok(accounts().some((a) => a.id === foreign.id) && accounts().some((a) => a.id === used.id), "someone else's accounts are untouched");
});

test("a 201 whose body cannot be read is treated like a lost response: no orphan", async () => {
  f.emulator.faults.add({ method: "POST", path: "/account/service-accounts", kind: "after-commit", status: 201, body: '{"id":"3f1c', times: 1 });
  const { id } = await f.createVia(f.serviceAccount, { name: "sa-truncated", permissions: [] });
  assert.deepEqual(accounts().filter((a) => a.name === "sa-truncated").map((a) => a.id), [id]);
  f.emulator.faults.add({ method: "POST", path: "/account/service-accounts", kind: "after-commit", status: 0, times: 1 });
  const reset = await f.createVia(f.serviceAccount, { name: "sa-reset", permissions: [] });
  assert.deepEqual(accounts().filter((a) => a.name === "sa-reset").map((a) => a.id), [reset.id]);
});

test("killed after create returned but before the checkpoint: the next create deletes exactly that account", async () => {
  const intentAt = await f.intentNow();
  const first = await f.createVia(f.serviceAccount, { name: "sa-window", permissions: [], intentAt });
  // The engine died before writing state: the next create knows only the intent, which is in state.
  const again = await f.createVia(f.serviceAccount, { name: "sa-window", permissions: [], intentAt });
  assert.notEqual(again.id, first.id);
  assert.deepEqual(accounts().filter((a) => a.name === "sa-window").map((a) => a.id), [again.id]);
});

test("the same Talend name in another stack or resource is never taken for ours", async () => {
  const theirs = await f.createVia(f.serviceAccount, { name: "sa-shared", permissions: [] });
  f.emulator.clock.advance(5_000);
  // Our intent comes after their account: a 409 on it is theirs, used or not.
  await assert.rejects(f.createVia(f.serviceAccount, { name: "sa-shared", permissions: [] }), /already exists/);
  assert.ok(accounts().some((a) => a.id === theirs.id));
});
