// The accounts a program declares in one pass share one intent (provider/intent.ts accountIntentAt). Fast: runtime
// mocks, no CLI, no network.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "../../provider";

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

test("accounts declared in one pass share one intent, named after the first, and each carries its time", async () => {
  const rs = await program(() => {
    for (const n of ["a", "b", "c"]) new ServiceAccount(n, { name: n });
  });
  assert.deepEqual(intents(rs).map((r) => r.name), ["a"]);
  assert.equal(accounts(rs).length, 3);
  const at = clock;
  assert.deepEqual(accounts(rs).map((r) => r.inputs.intentAt), [at, at, at], "every member's intentAt is the shared intent's time");
});

test("an account declared after the declaring code returned (a callback, an apply) starts its own batch", async () => {
  const rs = await program(() => {
    new ServiceAccount("early", { name: "early" });
    void Promise.resolve().then(() => new ServiceAccount("late", { name: "late" }));
    new ServiceAccount("same-pass", { name: "same-pass" });
  });
  assert.deepEqual(intents(rs).map((r) => r.name).sort(), ["early", "late"]);
  assert.equal(accounts(rs).find((r) => r.name === "same-pass")!.inputs.intentAt, accounts(rs).find((r) => r.name === "early")!.inputs.intentAt);
  const byName = new Map(accounts(rs).map((r) => [r.name, r.inputs.intentAt]));
  assert.notEqual(byName.get("early"), byName.get("late"));
});

test("the shared intent's key changes exactly when a member will be created anew: a new account or a rotation", async () => {
  const keyOf = async (declare: () => void) => intents(await program(declare))[0]!.inputs.key as string;
  const base = await keyOf(() => ["a", "b"].forEach((n) => new ServiceAccount(n, { name: n })));
  assert.equal(await keyOf(() => ["b", "a"].forEach((n) => new ServiceAccount(n, { name: n }))), base, "order does not matter");
  assert.equal(await keyOf(() => ["a", "b"].forEach((n) => new ServiceAccount(n, { name: n, permissions: ["TMC_ENGINE_USE"] }))), base, "an in-place update does not replace it");
  assert.notEqual(await keyOf(() => ["a", "b", "c"].forEach((n) => new ServiceAccount(n, { name: n }))), base, "a new account");
  assert.notEqual(await keyOf(() => ["a", "b"].forEach((n) => new ServiceAccount(n, { name: n, rotateSecret: n === "b" ? "2" : undefined }))), base, "a rotation");
});
