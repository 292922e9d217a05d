import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { Handler } from "../../provider/dynamic";
import { providerFixture } from "../helpers/provider-context";
import { FUZZ_TARGETS, fuzzCheck } from "../reliability/fuzz";

let f: Awaited<ReturnType<typeof providerFixture>>;
before(async () => (f = await providerFixture()));
after(async () => f.close());

const handlers = () => ({ ServiceAccount: f.serviceAccount, WorkspacePermission: f.workspacePermission, TaskExecution: f.taskExecution }) as Record<string, Handler>;

for (const [type, { fields }] of Object.entries(FUZZ_TARGETS)) {
  test(`${type}: every input is either accepted, or rejected in check naming the field and what is allowed`, async () => {
    const requests = f.emulator.requests().length;
    const seen = await fuzzCheck(type, handlers()[type]!, 300, 42, async (_news, r) => {
      if (r.failures?.length) {
        for (const failure of r.failures) {
          assert.ok(fields.includes(failure.property) || failure.property === "", `unknown field ${failure.property}`);
          assert.match(failure.reason, new RegExp(`^${type}\\.`), "the reason names the resource and field");
          assert.ok(failure.reason.length < 300);
        }
      } else {
        // Accepted inputs are stable: checking them again changes nothing.
        const again = await handlers()[type]!.check(r.inputs, { ...r.inputs });
        assert.deepEqual(again.failures ?? [], []);
        assert.deepEqual({ ...again.inputs, suffix: undefined }, { ...r.inputs, suffix: undefined });
      }
    });
    // check reads names (tenant catalogue, workspaces, tasks) once per process, and never changes anything.
    const sent = f.emulator.requests().slice(requests);
    assert.deepEqual(sent.filter((r) => r.method !== "GET"), [], "check changes nothing");
    assert.ok(sent.length <= 10, `check's reads are cached: ${sent.length} requests for 300 checks`);
    assert.ok(seen.accepted > 0 && seen.rejected > 0, `both outcomes exercised: ${JSON.stringify(seen)}`);
  });
}

test("permission sets are order- and duplicate-insensitive", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom("TMC_ENGINE_USE", "TMC_OPERATOR", "AUDIT_LOGS_VIEW", "TMC_USER_MANAGEMENT"), { maxLength: 8 }), async (perms) => {
      const a = await f.serviceAccount.check({}, { name: "p", permissions: perms });
      const b = await f.serviceAccount.check({}, { name: "p", permissions: [...perms].reverse().concat(perms) });
      assert.deepEqual(a.inputs.permissions, b.inputs.permissions);
      assert.deepEqual(a.inputs.permissions, [...new Set(perms)].sort());
    }),
    { numRuns: 200, seed: 7 },
  );
});
