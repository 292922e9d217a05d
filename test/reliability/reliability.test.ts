import assert from "node:assert/strict";
import { test } from "node:test";
import { pulumiCli } from "../helpers/pulumi-engine";
import { KILL_POINTS, faultSoak, interruptedApplies, killAtPoint } from "./scenario";

const skip = pulumiCli().reason;
const clean = { duplicateAccounts: 0, orphanAccounts: 0, orphanGrants: 0, duplicateExecutions: 0, missingExecutions: 0, stateMismatches: 0, unusableSecrets: 0, leaks: 0 };

test("quick fault soak: converges in ≤ 3 ups with no duplicate, orphan, mismatch, unusable secret or leak", { skip, timeout: 600_000 }, async () => {
  const r = await faultSoak({ accounts: 8, runs: 3, faultRate: 0.1, seed: 7, maxUps: 3 });
  assert.ok(r.converged, JSON.stringify(r));
  assert.ok((r.faultsInjected.status ?? 0) > 10, `faults were injected: ${JSON.stringify(r.faultsInjected)}`);
  assert.ok((r.faultsInjected["after-commit"] ?? 0) > 0, "after-commit failures were injected");
  assert.deepEqual(Object.fromEntries(Object.keys(clean).map((k) => [k, r[k as keyof typeof clean]])), clean, JSON.stringify(r));
});

test("engine killed right after each unrecoverable POST, resumed on a fresh machine: converges exactly once", { skip, timeout: 900_000 }, async (t) => {
  for (const point of KILL_POINTS) {
    await t.test(point.label, async () => {
      const r = await killAtPoint(point, { accounts: 2, runs: 1, freshMachine: true, seed: 5, maxUps: 2 });
      assert.ok(r.killed, "the kill landed before the update finished");
      assert.ok(r.converged && r.upsNeeded === 1, `the next up converges by itself: ${JSON.stringify(r)}`);
      assert.deepEqual(Object.fromEntries(Object.keys(clean).map((k) => [k, r[k as keyof typeof clean]])), clean, JSON.stringify(r));
      assert.equal(r.destroyLeftovers, 0);
    });
  }
});

test("engine killed right after an account POST, the program gains an account, resumed on a fresh machine: the POSTed account is still ours", { skip, timeout: 300_000 }, async () => {
  const r = await killAtPoint(KILL_POINTS[0], { accounts: 2, runs: 0, freshMachine: true, seed: 8, maxUps: 2, growBeforeResume: true });
  assert.ok(r.killed, "the kill landed before the update finished");
  assert.ok(r.converged && r.upsNeeded === 1, `the next up converges by itself: ${JSON.stringify(r)}`);
  assert.deepEqual(Object.fromEntries(Object.keys(clean).map((k) => [k, r[k as keyof typeof clean]])), clean, JSON.stringify(r));
  assert.equal(r.destroyLeftovers, 0);
});

test("quick interrupted applies: killed up and destroy, resumed on a fresh machine, converge with no duplicate or orphan", { skip, timeout: 600_000 }, async () => {
  const r = await interruptedApplies({ trials: 2, accounts: 4, runs: 1, seed: 11, maxUps: 3, freshMachine: true });
  assert.deepEqual(Object.fromEntries(Object.keys(clean).map((k) => [k, r[k as keyof typeof clean]])), clean, JSON.stringify(r));
  assert.equal(r.destroyLeftovers, 0);
});
