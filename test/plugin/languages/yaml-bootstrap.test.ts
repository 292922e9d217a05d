import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { e2eFixture } from "../../helpers/pulumi-engine";
import { yamlExample, yamlHost, yamlStack } from "./yaml-stack";

// examples/yaml-bootstrap through the real CLI, the YAML language host and the provider plugin, on the emulator.
const skip = yamlHost().reason;
const f = e2eFixture();
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;
const starts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").length;
const accounts = () => f.emulator.state().serviceAccounts.filter((a) => a.name.startsWith("yaml-")).map((a) => a.name).sort();

test("Pulumi YAML: examples/yaml-bootstrap through the provider plugin", { skip, timeout: 1_200_000 }, async (t) => {
  const stack = await yamlStack(f, yamlExample());
  const set = async (values: Record<string, string>) => {
    for (const [k, v] of Object.entries(values)) await stack.run(["config", "set", k, v]);
  };

  await t.test("preview sends no mutating request and shows every resource", async () => {
    const before = mutations();
    const plan = await stack.preview();
    assert.equal(mutations(), before, "no POST/PUT/PATCH/DELETE during preview");
    for (const name of ["runner", "auditor", "reporter", "runnerExecute", "seed"]) assert.ok(plan.steps.some((s) => s.op === "create" && s.urn.endsWith(`::${name}`)), `preview creates ${name}`);
  });

  let secret = "";
  await t.test("up creates 3 accounts, the grant (via fn::invoke lookups) and exactly one run", async () => {
    const r = await stack.up();
    assert.equal(r.code, 0);
    assert.deepEqual(accounts(), ["yaml-auditor", "yaml-reporter", "yaml-runner"]);
    assert.equal(starts(), 1);
    const out = await stack.outputs(true);
    assert.equal(out.seedStatus, "execution_successful");
    assert.match(out.clientSecret, /\S{8,}/);
    secret = out.clientSecret;
    const runner = f.emulator.state().serviceAccounts.find((a) => a.name === "yaml-runner")!;
    assert.equal(out.clientId, runner.id);
    assert.ok(f.emulator.state().workspacePermissions.some((g) => g.serviceAccountId === runner.id && g.workspaceId === out.workspaceId));
  });

  await t.test("no secret in plaintext state; secret outputs are secret", async () => {
    const state = JSON.stringify(await stack.exportState());
    assert.ok(!state.includes(secret), "the client secret is not in plaintext state");
    const shown = await stack.outputs(false);
    assert.notEqual(shown.clientSecret, secret);
  });

  await t.test("preview after up shows no change and sends nothing", async () => {
    const before = mutations();
    const plan = await stack.preview();
    assert.equal(mutations(), before);
    const changed = plan.steps.filter((s) => s.op !== "same");
    assert.deepEqual(changed.map((s) => `${s.op} ${s.urn}`), []);
  });

  await t.test("a new trigger runs the task exactly once more; up again runs nothing", async () => {
    await set({ seedVersion: "2" });
    assert.equal((await stack.up()).code, 0);
    assert.equal(starts(), 2);
    assert.equal((await stack.up()).code, 0);
    assert.equal(starts(), 2);
  });

  await t.test("a failed run fails the update, and stays failed without running again", async () => {
    await set({ workspace: "analytics", seedTask: "nightly-load", seedVersion: "3" });
    const failed = await stack.up({ allowFailure: true });
    assert.notEqual(failed.code, 0);
    assert.match(failed.stdout, /execution_failed/);
    assert.match(failed.stdout, /NullPointerException at row 1042/);
    assert.equal(starts(), 3);
    const again = await stack.up({ allowFailure: true });
    assert.notEqual(again.code, 0, "the next up fails too");
    assert.equal(starts(), 3, "a failed run is not repeated");
  });

  await t.test("destroy removes the accounts and the grant", async () => {
    assert.equal((await stack.destroy()).code, 0);
    assert.deepEqual(accounts(), []);
  });
});

test("the example's plugin path is the npm bin directory of a project-local install", () => {
  const text = readFileSync(join(__dirname, "..", "..", "..", "..", "examples", "yaml-bootstrap", "Pulumi.yaml"), "utf8");
  assert.match(text, /- name: talend\n\s+path: \.\/node_modules\/\.bin\n/);
});
