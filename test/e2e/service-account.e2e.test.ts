import assert from "node:assert/strict";
import { before, test } from "node:test";
import { defaultSeed } from "../../emulator";
import { type PulumiStack, e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const PAT = "e2e-pat-PLANTED-7f3a9c";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";
const config = new pulumi.Config();
const account = new talend.ServiceAccount("ci", { name: "ci-runner", permissions: config.require("perms").split(",") });
for (const extra of (config.get("extra") ?? "").split(",").filter(Boolean)) new talend.ServiceAccount(extra, { name: extra });
const grant = new talend.WorkspacePermission("ci-ops", {
  serviceAccountId: account.clientId, workspace: "ops", environment: "development", permissions: ["EXECUTE"],
});
export const clientId = account.clientId;
export const clientSecret = account.clientSecret;
export const workspaceId = grant.resolvedWorkspaceId;
`;

/** The default tenant plus a user whose PAT is planted: a value that must never be printed or stored in plaintext. */
function withPat(pat: string) {
  const seed = defaultSeed();
  seed.users.push({ id: "user-e2e", login: "e2e@example.com", pat, permissions: ["*"], workspaces: "*" });
  return seed;
}

const f = e2eFixture({ emulator: { seed: withPat(PAT) }, token: PAT });
let stack: PulumiStack;
before(async () => {
  await f.ready();
  if (!skip) stack = await f.stack({ program: PROGRAM, config: { perms: "TMC_ENGINE_USE" } });
});

const accounts = () => f.emulator.state().serviceAccounts;

test("real CLI: up → preview (no changes) → in-place update → drift → refresh → repair → destroy; no secret leaks", { skip, timeout: 480_000 }, async (t) => {
  let sa: ReturnType<typeof accounts>[number];
  let outs: Record<string, any>;
  await t.test("up creates the account and the grant; the secret is a secret output", async () => {
    await stack.up();
    assert.equal(accounts().length, 1);
    sa = accounts()[0]!;
    assert.deepEqual(sa.permissions, ["TMC_ENGINE_USE"]);
    assert.equal(f.emulator.state().workspacePermissions.length, 1);
    outs = await stack.outputs();
    assert.equal(outs.clientId, sa.id);
    assert.equal(outs.clientSecret, "[secret]");
    const revealed = await f.revealingSecrets(stack, () => stack.outputs(true));
    assert.equal(revealed.clientSecret, sa.secret, "--show-secrets reveals the real secret");
  });

  await t.test("what up printed shows the new secret only as [secret], and no secret value", async () => {
    const printed = f.printed(stack);
    assert.match(printed, /^\s+clientSecret: \[secret\]$/m, "the secret output is listed, masked");
    f.assertNoSecrets(printed, "what the CLI printed");
  });

  await t.test("preview of an unchanged program: no changes", async () => {
    const preview = await stack.preview();
    assert.deepEqual(Object.keys(preview.changeSummary), ["same"], JSON.stringify(preview.changeSummary));
  });

  await t.test("a permission change is an in-place update of the account only, shown as such", async () => {
    await stack.run(["config", "set", "perms", "TMC_ENGINE_USE,AUDIT_LOGS_VIEW"]);
    const preview = await stack.preview();
    assert.deepEqual(preview.changeSummary, { same: 3, update: 1 }, "only the account changes; its intent and the grant stay");
    assert.match(preview.steps.find((s) => s.op === "update")!.urn, /talend:ServiceAccount::ci$/);
    assert.deepEqual((await stack.previewDiff()).changed, ["permissions"], "the diff shows only permissions");
    const writesBefore = f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;
    await stack.up();
    assert.deepEqual(accounts()[0]!.permissions.sort(), ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"]);
    assert.equal(accounts()[0]!.id, sa.id, "updated in place, same account");
    assert.equal(f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length, writesBefore + 1, "one PUT");
  });

  await t.test("a change behind the program's back: refresh shows it, up repairs it", async () => {
    f.emulator.admin.updateServiceAccount(sa.id, { permissions: ["TMC_OPERATOR"] });
    f.emulator.admin.setWorkspacePermission(outs.workspaceId, sa.id, ["VIEW"]);
    const refresh = await stack.refresh();
    const refreshed = refresh.stdout.slice(refresh.stdout.indexOf("Refreshing"));
    assert.match(refreshed, /~ pulumi-nodejs:dynamic\/talend:ServiceAccount: \(update\)[^]*~ \[0\]: "AUDIT_LOGS_VIEW" => "TMC_OPERATOR"/);
    assert.match(refreshed, /~ pulumi-nodejs:dynamic\/talend:WorkspacePermission: \(update\)[^]*~ \[0\]: "EXECUTE" => "VIEW"/);
    const preview = await stack.preview();
    assert.equal(preview.changeSummary.update, 2, "up will repair both");
    await stack.up();
    assert.deepEqual(accounts()[0]!.permissions.sort(), ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"]);
    assert.deepEqual(f.emulator.state().workspacePermissions[0]!.permissions, ["EXECUTE"]);
  });

  await t.test("an account declared beside the first: preview shows it and its intent, nothing else; up does that", async () => {
    const intentsNow = async () => Object.fromEntries((await stack.exportState()).deployment.resources.filter((r: { type: string }) => r.type.endsWith("ServiceAccountIntent")).map((r: { urn: string; outputs: { recordedAt: number } }) => [r.urn.split("::").pop(), r.outputs.recordedAt]));
    const before = await intentsNow();
    await stack.run(["config", "set", "extra", "ci-2"]);
    const preview = await stack.preview();
    assert.deepEqual(preview.changeSummary, { create: 2, same: 4 }, JSON.stringify(preview.changeSummary));
    const changed = preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").slice(-2).join("::")}`);
    assert.deepEqual(changed.sort(), ["create pulumi-nodejs:dynamic/talend:ServiceAccount::ci-2", "create pulumi-nodejs:dynamic/talend:ServiceAccountIntent::ci-2"], changed.join("; "));
    await stack.up();
    const after = await intentsNow();
    assert.deepEqual(Object.keys(after).sort(), ["ci", "ci-2"], "an intent per account");
    assert.equal(after.ci, before.ci, "the first account's intent is untouched");
    assert.ok(after["ci-2"] >= before.ci, "the new one has its own time");
    assert.deepEqual(accounts().map((a) => a.name).sort(), ["ci-2", "ci-runner"]);
    assert.equal(accounts().find((a) => a.name === "ci-runner")!.id, sa.id, "the first account is untouched");
    assert.deepEqual(Object.keys((await stack.preview()).changeSummary), ["same"], "and the next preview shows no change");
  });

  await t.test("destroy leaves the emulator and the stack empty", async () => {
    await stack.destroy();
    assert.equal(accounts().length, 0);
    assert.equal(f.emulator.state().workspacePermissions.length, 0);
    assert.equal((await stack.exportState()).deployment.resources?.filter((r: { type: string }) => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:pulumi-nodejs").length ?? 0, 0);
  });

  await t.test("no secret value anywhere: in everything the CLI printed, in any file of the backend", async () => {
    assert.ok(f.secrets().length >= 3, "the PAT and both accounts' secrets are known to the check");
    f.assertNoSecrets(f.printed(stack), "what the CLI printed");
    f.assertNoSecrets(stack.stateText(), "the backend's files");
    assert.ok(stack.stateText().includes("ciphertext"), "secrets are stored encrypted");
  });
});
