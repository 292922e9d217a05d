import assert from "node:assert/strict";
import { test } from "node:test";
import { pulumiCli } from "../helpers/pulumi-engine";
import { ACCOUNT_KILL_POINTS, CHANGES, PROGRAM_CHANGES, QUICK_KILL_POINT, killChangeResume, problems } from "./program-changes";

const skip = pulumiCli().reason;

// The next commit after a killed apply: 4 accounts with a grant each, `up` killed (SIGKILL of the whole process
// group) right after Talend answered an account POST, the program changed, one `up` on a fresh machine.
for (const change of CHANGES) {
  const point = QUICK_KILL_POINT[change];
  test(`engine killed right after the ${ACCOUNT_KILL_POINTS[point].label}, then ${PROGRAM_CHANGES[change]}, resumed on a fresh machine: one up, no orphan, every secret usable`, { skip, timeout: 300_000 }, async () => {
    const r = await killChangeResume(change, point);
    assert.deepEqual(problems(r), [], JSON.stringify(r));
  });
}
