// The accounts a program declares in one pass share one intent (provider/intent.ts accountIntentAt): the program
// side with runtime mocks; the provider side (a time per member, kept across changes of the batch) against the
// emulator.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "../../provider";
import type { Handler } from "../../provider/dynamic";
import { accountsIntentProvider } from "../../provider/intent";
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
        // An intent's create records a time (the accounts' one, a time per member); give each a distinct one.
        if (args.type.endsWith("ServiceAccountIntent")) return { id: `${args.name}-id`, state: { ...args.inputs, at: Object.fromEntries(Object.keys(args.inputs.members).map((n) => [n, ++clock])) } };
        return { id: `${args.name}-id`, state: args.type.endsWith("Intent") ? { ...args.inputs, at: ++clock } : args.inputs };
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

/** Runs `declare` as a program's pass, then waits until the registrations settle. */
async function program(declare: () => void): Promise<Registration[]> {
  registered = [];
  declare();
  for (let last = -1, waited = 0; (last !== registered.length || registered.length === 0) && waited < 10_000; waited += 100) {
    last = registered.length;
    await new Promise((r) => setTimeout(r, 100));
  }
  return registered;
}

const intents = (rs: Registration[]) => rs.filter((r) => r.type === "pulumi-nodejs:dynamic/talend:ServiceAccountIntent");
const accounts = (rs: Registration[]) => rs.filter((r) => r.type === "pulumi-nodejs:dynamic/talend:ServiceAccount");

test("accounts declared in one pass share one intent, named after the first, and each carries its own time", async () => {
  const rs = await program(() => {
    for (const n of ["a", "b", "c"]) new ServiceAccount(n, { name: n });
  });
  assert.deepEqual(intents(rs).map((r) => r.name), ["a"]);
  assert.deepEqual(Object.keys(intents(rs)[0]!.inputs.members).sort(), ["a", "b", "c"]);
  assert.equal(accounts(rs).length, 3);
  const times = accounts(rs).map((r) => r.inputs.intentAt);
  assert.ok(times.every((t) => typeof t === "number"), JSON.stringify(times));
  assert.equal(new Set(times).size, 3, "each member reads its own entry");
});

test("an account declared after the declaring code returned (a callback, an apply) starts its own batch", async () => {
  const rs = await program(() => {
    new ServiceAccount("early", { name: "early" });
    void Promise.resolve().then(() => new ServiceAccount("late", { name: "late" }));
    new ServiceAccount("same-pass", { name: "same-pass" });
  });
  assert.deepEqual(intents(rs).map((r) => r.name).sort(), ["early", "late"]);
  const membersOf = (name: string) => Object.keys(intents(rs).find((r) => r.name === name)!.inputs.members).sort();
  assert.deepEqual([membersOf("early"), membersOf("late")], [["early", "same-pass"], ["late"]]);
});

test("the batch's members: a new account or a rotation changes them, an in-place update or the order does not", async () => {
  const membersOf = async (declare: () => void) => JSON.stringify(Object.entries(intents(await program(declare))[0]!.inputs.members as Record<string, string>).sort());
  const base = await membersOf(() => ["a", "b"].forEach((n) => new ServiceAccount(n, { name: n })));
  assert.equal(await membersOf(() => ["b", "a"].forEach((n) => new ServiceAccount(n, { name: n }))), base, "order does not matter");
  assert.equal(await membersOf(() => ["a", "b"].forEach((n) => new ServiceAccount(n, { name: n, permissions: ["TMC_ENGINE_USE"] }))), base, "an in-place update does not count");
  assert.notEqual(await membersOf(() => ["a", "b", "c"].forEach((n) => new ServiceAccount(n, { name: n }))), base, "a new account");
  assert.notEqual(await membersOf(() => ["a", "b"].forEach((n) => new ServiceAccount(n, { name: n, rotateSecret: n === "b" ? "2" : undefined }))), base, "a rotation");
});

test("provider: a member new or rotated since the last apply gets Talend's time now, the others keep theirs; nothing is replaced", async () => {
  const f = await providerFixture();
  try {
    const p = accountsIntentProvider(() => f.ctx) as unknown as Handler;
    const check = async (members: Record<string, string>) => (await p.check({}, { members })).inputs!;
    const first = await p.create(await check({ a: "[null,null]", b: "[null,null]" }));
    assert.equal(first.outs.at.a, first.outs.at.b);
    f.emulator.clock.advance(60_000);
    await f.intentNow(); // a real clock does not jump: let the client see Talend's new time
    // A dead apply POSTed "b"; the program then gained "c" and rotated "a" before the next apply.
    const news = await check({ a: '["2",null]', b: "[null,null]", c: "[null,null]" });
    const diff = await p.diff(first.id, first.outs, news);
    assert.deepEqual([diff.changes, diff.replaces], [true, []], "updated in place: the other members' times must survive");
    const next = (await p.update(first.id, first.outs, news)).outs;
    assert.equal(next.at.b, first.outs.at.b, "b keeps the time recorded before its POST");
    assert.ok(next.at.a >= first.outs.at.a + 59_000, `a was rotated: a new time (${next.at.a} vs ${first.outs.at.a})`);
    assert.equal(next.at.c, next.at.a, "c is new: the same new time");
    assert.deepEqual((await p.diff(first.id, next, await check({ b: "[null,null]", a: '["2",null]', c: "[null,null]" }))).changes, false, "the same batch: no change");
    assert.ok(!JSON.stringify(next).includes('"2"'), "rotation values are stored hashed");
  } finally {
    await f.close();
  }
});
