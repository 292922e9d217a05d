import fc from "fast-check";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import type { Handler } from "../../provider/dynamic";

/** Values of every JSON kind, biased towards what a program might really pass by mistake. */
export const junk = fc.oneof(
  { weight: 20, arbitrary: fc.constant(undefined) },
  fc.string(),
  fc.constantFrom("", " ", "../x", "a/b", "ops;name==*", "TMC_ENGINE_USE", "EXECUTE", "execute", "\u0000", "x".repeat(300)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.constantFrom("EXECUTE", "VIEW", "TMC_ENGINE_USE", "bad value"), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);

/** Valid inputs per resource, and the fields a fuzz run may override with junk. */
export const FUZZ_TARGETS: Record<string, { valid: Record<string, unknown>; fields: string[] }> = {
  ServiceAccount: { valid: { name: "ci", permissions: ["TMC_ENGINE_USE"] }, fields: ["name", "permissions", "adoptExisting", "rotateSecret", "uniqueSuffix"] },
  WorkspacePermission: { valid: { serviceAccountId: "sa-1", workspaceId: "ws1", permissions: ["EXECUTE"] }, fields: ["serviceAccountId", "workspaceId", "workspace", "environment", "permissions", "adoptExisting"] },
  TaskExecution: {
    valid: { taskId: "t1", triggers: ["1"] },
    fields: ["taskId", "task", "workspace", "environment", "clientId", "clientSecret", "parameters", "logLevel", "timeoutMinutes", "triggers", "waitForCompletion", "waitTimeoutMinutes", "failOnError", "pollIntervalSeconds"],
  },
};

export interface FuzzStats {
  tried: number;
  accepted: number;
  rejected: number;
}

/**
 * Runs `check` on `runs` valid inputs with random fields replaced by junk; `inspect` asserts on each outcome
 * (it throws to fail the property, and fast-check shrinks to the smallest counterexample).
 */
export async function fuzzCheck(type: string, handler: Handler, runs: number, seed: number, inspect: (news: Record<string, unknown>, result: { inputs?: any; failures?: CheckFailure[] }) => Promise<void> | void = () => undefined): Promise<FuzzStats> {
  const { valid, fields } = FUZZ_TARGETS[type]!;
  const stats = { tried: 0, accepted: 0, rejected: 0 };
  await fc.assert(
    fc.asyncProperty(fc.record(Object.fromEntries(fields.map((k) => [k, junk])), { requiredKeys: [] }), async (overrides) => {
      const news = { ...valid, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
      const result = await handler.check({}, news);
      stats.tried++;
      stats[result.failures?.length ? "rejected" : "accepted"]++;
      await inspect(news, result);
    }),
    { numRuns: runs, seed },
  );
  return stats;
}
