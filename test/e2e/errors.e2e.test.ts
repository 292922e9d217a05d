import assert from "node:assert/strict";
import { test } from "node:test";
import { type RunResult, e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const f = e2eFixture();
const stackOf = (program: string, withToken = true) => f.stack({ program: `import * as talend from "pulumi-talend";\n${program}`, withToken });
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET").length;

/**
 * What a user reads: the message with its fix, once, and nothing else — no stack trace, no error object dump,
 * no "unhandled exception", no Node warning, no colour codes (NO_COLOR is set; ANSI must not appear anyway).
 */
function assertReadable(r: RunResult, message: RegExp): void {
  const out = `${r.stdout}\n${r.stderr}`;
  assert.notEqual(r.code, 0, "the command fails");
  assert.match(out, message);
  assert.doesNotMatch(out, /^\s+at /m, "no stack trace lines");
  assert.doesNotMatch(out, /\x1b\[/, "no ANSI escapes");
  assert.doesNotMatch(out, /PromiseRejectionHandledWarning|unhandled exception|kind: '|promise: Promise/, "no warning, no object dump");
  // The CLI repeats a diagnostic on the resource's progress row; the Diagnostics section is where each is listed once.
  const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"));
  const times = diagnostics.split("\n").filter((line) => message.test(line)).length;
  assert.equal(times, 1, `the message is listed once in:\n${diagnostics}`);
}

// A program like examples/bootstrap: lookups as plain promises and as Outputs, fed to resources, and a TaskRunner.
const LOOKUPS_AND_RUNNER = (environment: string) => `
const ws = talend.getWorkspace({ name: "ops", environment: "${environment}" });
const runner = new talend.TaskRunner("ci", { name: "ci-errors", workspaces: [{ workspace: "ops", environment: "production" }] });
new talend.WorkspacePermission("extra", { serviceAccountId: runner.clientId, workspaceId: ws.then((w) => w.id), permissions: ["VIEW"] });
export const taskId = talend.getTaskOutput({ name: "seed-database", workspace: "ops", environment: "${environment}" }).executable;
`;

test("a wrong or expired PAT: one line naming the token setting, in preview and in up", { skip, timeout: 240_000 }, async (t) => {
  const s = await stackOf(LOOKUPS_AND_RUNNER("production"));
  await s.run(["config", "set", "--secret", "talend:token", "expired-pat"]);
  const before = mutations();
  const message = /error: (\[runtime\] )?pulumi-talend: Talend rejected the token \(401 Unauthorized\)\. Fix: check talend:token \(pulumi config set --secret talend:token/;
  await t.test("preview", async () => assertReadable(await s.run(["preview", "--non-interactive"], { allowFailure: true }), message));
  await t.test("up", async () => assertReadable(await s.run(["up", "--yes", "--non-interactive"], { allowFailure: true }), message));
  await t.test("a program without lookups: the first resource check that meets it, once", async () => {
    const r = await stackOf(`
const sa = new talend.ServiceAccount("sa", { name: "ci-bad-pat", permissions: ["TMC_ENGINE_USE"] });
for (const environment of ["production", "development"]) new talend.WorkspacePermission(environment, { serviceAccountId: sa.clientId, workspace: "ops", environment, permissions: ["EXECUTE"] });`);
    await r.run(["config", "set", "--secret", "talend:token", "expired-pat"]);
    assertReadable(await r.run(["up", "--yes", "--non-interactive"], { allowFailure: true }), /could not check names against Talend: .*401 Unauthorized.*\. Fix: check talend:token \(pulumi config set --secret talend:token/);
  });
  assert.equal(mutations(), before, "nothing was sent");
});

test("a lookup typo (in an environment two lookups use): the closest name and what exists, once", { skip, timeout: 240_000 }, async (t) => {
  const s = await stackOf(LOOKUPS_AND_RUNNER("developmnt"));
  const before = mutations();
  const message = /pulumi-talend: no environment named "developmnt"; did you mean "development"\? \(environments visible to this token: development, production\)/;
  await t.test("preview", async () => assertReadable(await s.run(["preview", "--non-interactive"], { allowFailure: true }), message));
  await t.test("up", async () => assertReadable(await s.run(["up", "--yes", "--non-interactive"], { allowFailure: true }), message));
  assert.equal(mutations(), before, "nothing was sent");
});

test("a task typo fails preview with the closest task, naming the workspace by name; up creates no account and no grant", { skip, timeout: 240_000 }, async (t) => {
  const s = await stackOf(`
const runner = new talend.TaskRunner("ci", { name: "ci-task-typo", workspaces: [{ workspace: "ops", environment: "production" }] });
runner.run("seed", { task: "seed-databse", workspace: "ops", environment: "production", triggers: ["1"] });`);
  const accounts = f.emulator.state().serviceAccounts.length;
  const grants = f.emulator.state().workspacePermissions.length;
  const before = mutations();
  const message = /TaskExecution\.task: no task named "seed-databse" in workspace "ops" of environment "production" \[[0-9a-f]+\]; did you mean "seed-database"\?/;
  await t.test("preview", async () => assertReadable(await s.run(["preview", "--non-interactive"], { allowFailure: true }), message));
  await t.test("up (which previews first)", async () => {
    assertReadable(await s.run(["up", "--yes", "--non-interactive"], { allowFailure: true }), message);
    assert.equal(f.emulator.state().serviceAccounts.length, accounts, "no account was created");
    assert.equal(f.emulator.state().workspacePermissions.length, grants, "no grant was made");
    assert.equal(mutations(), before, "no mutating request was sent");
  });
});

test("a workspace/environment pair that does not exist fails preview, naming both by name", { skip, timeout: 180_000 }, async () => {
  const s = await stackOf(`new talend.WorkspacePermission("g", { serviceAccountId: "sa-1", workspace: "analytics", environment: "production", permissions: ["EXECUTE"] });`);
  const before = mutations();
  assertReadable(await s.run(["preview", "--non-interactive"], { allowFailure: true }), /WorkspacePermission\.workspace: no workspace named "analytics" in environment "production" \(workspaces visible to this token: ops\)/);
  assert.equal(mutations(), before);
});

test("an unknown permission ID fails preview with the closest IDs; up sends nothing", { skip, timeout: 180_000 }, async (t) => {
  const s = await stackOf(`new talend.ServiceAccount("ci", { name: "typo", permissions: ["TMC_ENGIN_USE"] });`);
  const before = mutations();
  const message = /ServiceAccount\.permissions: "TMC_ENGIN_USE" not in this tenant's permission catalogue; did you mean "TMC_ENGINE_USE"\?/;
  await t.test("preview", async () => assertReadable(await s.run(["preview", "--non-interactive"], { allowFailure: true }), message));
  await t.test("up --skip-preview", async () => {
    const up = await s.up({ allowFailure: true });
    assert.notEqual(up.code, 0);
    assert.match(up.stdout, /"TMC_ENGIN_USE" not in this tenant's permission catalogue/);
  });
  assert.equal(mutations(), before, "nothing was sent");
});

test("invalid input fails in preview, naming the resource, the field and what is allowed", { skip, timeout: 180_000 }, async () => {
  const s = await stackOf(`new talend.WorkspacePermission("g", { serviceAccountId: "sa-1", workspaceId: "ws-1", permissions: ["RUN" as any] });`);
  const before = mutations();
  const preview = await s.run(["preview", "--non-interactive"], { allowFailure: true });
  assert.notEqual(preview.code, 0);
  assert.match(preview.stdout, /WorkspacePermission\.permissions\.0: must be one of EXECUTE, VIEW, AUTHOR, MANAGE, PUBLISH/);
  assert.equal(mutations(), before);
});

test("a missing token names the setting and the command that fixes it, for lookups and resources alike", { skip, timeout: 180_000 }, async (t) => {
  await t.test("resource", async () => {
    const s = await stackOf(`new talend.ServiceAccount("ci", { name: "no-token" });`, false);
    const up = await s.up({ allowFailure: true });
    assert.notEqual(up.code, 0);
    assert.match(up.stdout, /talend:token is not set/);
    assert.match(up.stdout, /pulumi config set --secret talend:token/);
  });
  await t.test("lookup", async () => {
    const s = await stackOf(`export const ws = talend.getWorkspaceOutput({ name: "ops", environment: "production" }).id;`, false);
    assertReadable(await s.run(["preview", "--non-interactive"], { allowFailure: true }), /talend:token is not set\. Fix: pulumi config set --secret talend:token/);
  });
});
