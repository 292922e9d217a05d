// Each account has its own intent whose identity is the account's (provider/intent.ts): the program side with
// runtime mocks (names, parents, aliases: what decides the URN the engine matches state by); the provider side
// (state written before 0.2.0 is migrated in place, keeping its time) against the emulator.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "../../provider";
import type { Handler } from "../../provider/dynamic";
import { intentOptions, intentProvider } from "../../provider/intent";
import { ORPHAN_WINDOW_MS, serviceAccountIntentProvider } from "../../provider/service-account";
import { providerFixture } from "../helpers/provider-context";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
let registered: Registration[] = [];
let clock = 1_000;

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        // An intent's create records a time; give each a distinct one.
        return { id: `${args.name}-id`, state: args.type.endsWith("Intent") ? { ...args.inputs, recordedAt: ++clock } : args.inputs };
      },
      call: () => {
        throw new Error("no invokes expected");
      },
    },
    "proj",
    "stack",
    false,
  );
});

const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

interface Pair {
  account: string;
  intent: string;
  intentAt: number;
}

/** Runs `declare` as a program would; resolves (on the outputs, not a timer) with each account's URN and its intent's. */
async function program(declare: () => ServiceAccount[]): Promise<{ registered: Registration[]; urns: Record<string, Pair> }> {
  registered = [];
  const sas = declare();
  const pairs = await Promise.all(sas.map(async (sa) => [await settled(sa.name), { account: await settled(sa.urn), intent: await settled(sa.intent.urn), intentAt: await settled(sa.intent.recordedAt) }] as const));
  await Promise.all(sas.map((sa) => settled(sa.id)));
  return { registered, urns: Object.fromEntries(pairs) };
}

const intents = (rs: Registration[]) => rs.filter((r) => r.type === "pulumi-nodejs:dynamic/talend:ServiceAccountIntent");
const accounts = (rs: Registration[]) => rs.filter((r) => r.type === "pulumi-nodejs:dynamic/talend:ServiceAccount");
const declareAll = (names: string[], opts?: pulumi.CustomResourceOptions) => names.map((n) => new ServiceAccount(n, { name: n }, opts));
/** Each account's intent URN, by account name: what the engine matches the dead apply's intent by. */
const intentUrns = async (names: string[]) => Object.fromEntries(Object.entries((await program(() => declareAll(names))).urns).map(([n, u]) => [n, u.intent]));

test("each account has its own intent, named like it, and reads that intent's time", async () => {
  const { registered: rs, urns } = await program(() => declareAll(["a", "b", "c"]));
  assert.deepEqual(intents(rs).map((r) => r.name).sort(), ["a", "b", "c"]);
  assert.equal(accounts(rs).length, 3);
  for (const [name, u] of Object.entries(urns)) {
    assert.equal(u.intent, u.account.replace("talend:ServiceAccount::", "talend:ServiceAccountIntent::"), name);
    assert.equal(accounts(rs).find((a) => a.name === name)!.inputs.intentAt, u.intentAt, `${name} reads its own intent's time`);
  }
  assert.equal(new Set(accounts(rs).map((a) => a.inputs.intentAt)).size, 3);
});

test("an account's intent keeps its URN whatever the other declarations do: reordered, one added first, the first removed, one declared later", async () => {
  const base = await intentUrns(["a", "b", "c"]);
  assert.deepEqual(await intentUrns(["c", "a", "b"]), base, "reordered");
  const added = await intentUrns(["new", "a", "b", "c"]);
  assert.deepEqual({ a: added.a, b: added.b, c: added.c }, base, "a new account declared first");
  assert.deepEqual(await intentUrns(["b", "c"]), { b: base.b, c: base.c }, "the first removed");
  const late = await program(() => {
    const sas = declareAll(["a"]);
    void Promise.resolve().then(() => new ServiceAccount("late", { name: "late" }));
    return [...sas, ...declareAll(["b"])];
  });
  assert.deepEqual({ a: late.urns.a!.intent, b: late.urns.b!.intent }, { a: base.a, b: base.b }, "an account declared in a callback changes nothing for the others");
});

test("an account under a component has its intent under the same parent", async () => {
  const parent = new pulumi.ComponentResource("acme:index:Team", "team");
  const { urns } = await program(() => declareAll(["a"], { parent }));
  assert.match(urns.a!.account, /acme:index:Team\$pulumi-nodejs:dynamic\/talend:ServiceAccount::a$/);
  assert.match(urns.a!.intent, /acme:index:Team\$pulumi-nodejs:dynamic\/talend:ServiceAccountIntent::a$/);
});

test("the account's aliases become its intent's: by name, by parent, and a URN with the intent's type", () => {
  const urn = "urn:pulumi:stack::proj::acme:index:Team$pulumi-nodejs:dynamic/talend:ServiceAccount::old";
  const opts = intentOptions("ServiceAccount", {
    protect: true,
    aliases: [{ name: "old" }, { parent: pulumi.rootStackResource }, urn, { type: "acme:index:Other" }],
    ignoreChanges: ["permissions"],
  });
  assert.deepEqual(opts.aliases, [{ name: "old" }, { parent: pulumi.rootStackResource }, "urn:pulumi:stack::proj::acme:index:Team$pulumi-nodejs:dynamic/talend:ServiceAccountIntent::old"]);
  assert.equal(opts.protect, true);
  assert.equal(opts.ignoreChanges, undefined, "only what the pair's identity needs");
  assert.deepEqual(intentOptions("ServiceAccount", { aliases: ["urn:pulumi:stack::proj::pulumi-nodejs:dynamic/talend:WorkspacePermission::g"] }).aliases, [], "another type's URN names no intent of ours");
});

test("rotation settings are the key: a rotation replaces the intent, an in-place change does not touch it", async () => {
  const keyOf = async (args: ConstructorParameters<typeof ServiceAccount>[1]) => intents((await program(() => [new ServiceAccount("a", args)])).registered)[0]!.inputs.key;
  const base = await keyOf({ name: "a" });
  assert.equal(await keyOf({ name: "a", permissions: ["TMC_ENGINE_USE"] }), base, "an in-place update");
  assert.notEqual(await keyOf({ name: "a", rotateSecret: "2" }), base, "a rotation");
  assert.notEqual(await keyOf({ name: "a", uniqueSuffix: true }), base, "a new suffix");
});

test("provider: state written before 0.2.0 is updated in place and keeps its time; today's state has no change", async () => {
  const f = await providerFixture();
  try {
    const p = intentProvider(() => f.ctx) as unknown as Handler;
    const key = (await p.check({}, { key: "[null,null]" })).inputs!;
    // The accounts' shared intent (named after its first member) becomes that member's own intent.
    const shared = { members: { a: "aaaa", b: "bbbb" }, at: { a: 5_000, b: 3_000 } };
    const sharedDiff = await p.diff("id", shared, key);
    assert.deepEqual([sharedDiff.changes, sharedDiff.replaces], [true, []], "updated, not replaced: the time must survive");
    assert.deepEqual((await p.update("id", shared, key)).outs, { key: key.key, recordedAt: 3_000 }, "the earliest member time: a lower bound for each");
    // A run's request kept its time as `at`.
    const request = { key: key.key, at: 7_000 };
    assert.deepEqual([(await p.diff("id", request, key)).changes, (await p.diff("id", request, key)).replaces], [true, []]);
    assert.deepEqual((await p.update("id", request, key)).outs, { key: key.key, recordedAt: 7_000 });
    // Today's shape: nothing to do, and a new key is a new intent.
    const created = await p.create(key);
    assert.ok(created.outs.recordedAt > 0);
    assert.equal((await p.diff(created.id, created.outs, key)).changes, false);
    assert.deepEqual((await p.diff(created.id, created.outs, (await p.check({}, { key: '["2",null]' })).inputs!)).replaces, ["key"]);
    assert.ok(!JSON.stringify(created.outs).includes('"2"'), "keys are stored hashed");
  } finally {
    await f.close();
  }
});

test("the intent knows its account's Talend name (with the suffix); an owner kept in Talend keeps its intent", async () => {
  const [plain, suffixed] = intents((await program(() => [new ServiceAccount("a", { name: " ci " }), new ServiceAccount("b", { name: "ci", uniqueSuffix: true })])).registered);
  assert.equal(plain!.inputs.ownerName, "ci", "the name as check() trims it");
  assert.match(suffixed!.inputs.ownerName, /^ci-[0-9a-f]{6}$/);
  const owner = new pulumi.ComponentResource("acme:index:Other", "other");
  const opts = intentOptions("ServiceAccount", { retainOnDelete: true, deletedWith: owner });
  assert.deepEqual([opts.retainOnDelete, opts.deletedWith], [true, owner], "an account left in Talend is not cleaned up by its intent's delete");
});

test("provider: deleting an account's intent removes the account a dead apply created for it, and nothing else", async () => {
  const f = await providerFixture();
  try {
    const p = serviceAccountIntentProvider(() => f.ctx) as unknown as Handler;
    const intentFor = async (ownerName?: string) => {
      const created = await p.create((await p.check({}, { key: "[null,null]", ...(ownerName && { ownerName }) })).inputs!);
      return () => p.delete(created.id, created.outs);
    };
    const sdk = f.ctx.client.serviceAccounts;
    const post = (name: string) => sdk.create({ name, permissions: ["TMC_ENGINE_USE"] });
    f.emulator.clock.advance(2_000); // Talend's times are whole seconds: keep each step apart
    const older = await post("older"); // someone else's, there before the intent
    f.emulator.clock.advance(2_000);
    await f.intentNow(); // the client's estimate of Talend's time follows the emulator's jump
    const releases = {
      orphan: await intentFor("orphan"),
      used: await intentFor("used"),
      older: await intentFor("older"),
      mine: await intentFor("mine"),
      late: await intentFor("late"),
      absent: await intentFor("absent"),
      legacy: await intentFor(),
    };
    f.emulator.clock.advance(2_000);
    await post("orphan"); // the dead apply's POST: its answer never reached state
    const used = await post("used"); // the same, but its secret reached somebody who used it
    await f.ctx.client.asServiceAccount(used.id, used.secret!).workspaces.list();
    await f.createVia(f.serviceAccount, { name: "mine", permissions: ["TMC_ENGINE_USE"] }); // this command's own account
    await post("legacy");
    f.emulator.clock.advance(ORPHAN_WINDOW_MS + 2_000);
    await post("late"); // created long after the intent: another declaration's or stack's
    for (const release of Object.values(releases)) await release();
    const left = (await sdk.list()).map((a) => a.name).sort();
    assert.deepEqual(left, ["late", "legacy", "mine", "older", "used"], "only the dead apply's unused account goes");
    assert.ok(older.id);
  } finally {
    await f.close();
  }
});

test("provider: deleting the intents of many accounts lists the tenant once", async () => {
  const f = await providerFixture();
  try {
    const p = serviceAccountIntentProvider(() => f.ctx) as unknown as Handler;
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => p.create({ key: "k", ownerName: `gone-${i}` })));
    f.emulator.clearRequests();
    await Promise.all(made.map((m) => p.delete(m.id, m.outs)));
    const lists = f.emulator.requests().filter((r) => r.method === "GET" && r.path === "/account/service-accounts");
    assert.equal(lists.length, 1, "a destroy of K accounts stays linear");
  } finally {
    await f.close();
  }
});
