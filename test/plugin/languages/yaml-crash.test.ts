import assert from "node:assert/strict";
import { after, test } from "node:test";
import { TalendClient } from "../../../sdk";
import { e2eFixture } from "../../helpers/pulumi-engine";
import { holdingProxy } from "./holding-proxy";
import { resumeOnFreshMachine, upKilledAfter, writeYaml, yamlHost, yamlProject, yamlStack } from "./yaml-stack";

// A YAML program declares only talend:index:* resources; the plugin's ServiceAccount component records each
// account's intent in state before its POST (provider/plugin/components.ts). Killed after Talend created an account
// and before the engine recorded it, the next up — on a fresh machine, after a program change — must recognise it.
const skip = yamlHost().reason;
const f = e2eFixture();
const proxies: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const p of proxies) await p.close();
});

const program = (prefix: string, accounts: string[]) => `${yamlProject("talend-yaml-crash")}resources:
${accounts.map((a) => `  ${a}:\n    type: talend:index:ServiceAccount\n    properties:\n      name: ${prefix}-${a}\n      permissions: [TMC_ENGINE_USE]\n`).join("")}
outputs:
${accounts.map((a) => `  ${a}Id: \${${a}.clientId}\n  ${a}Secret: \${${a}.clientSecret}\n`).join("")}`;

const CHANGES: Record<string, string[]> = {
  "accounts reordered": ["a3", "a1", "a2"],
  "a new first account": ["a0", "a1", "a2", "a3"],
};

for (const [i, [change, resumed]] of Object.entries(CHANGES).entries()) {
    const prefix = `crash${i}`;
  test(`Pulumi YAML: killed after an account POST, resumed on a fresh HOME with ${change}: no orphan, every secret usable`, { skip, timeout: 900_000 }, async () => {
    const proxy = await holdingProxy(f.emulator.url);
    proxies.push(proxy);
    const stack = await yamlStack(f, program(prefix, ["a1", "a2", "a3"]), { config: { "talend:endpoint": proxy.url } });
    const before = new Set(f.emulator.state().serviceAccounts.map((a) => a.id));
    const ours = () => f.emulator.state().serviceAccounts.filter((a) => !before.has(a.id));

    // The first account POST reaches Talend; its answer never reaches the provider: the apply dies there.
    await upKilledAfter(stack, proxy, (method, path) => method === "POST" && path === "/account/service-accounts");
    assert.equal(ours().length >= 1, true, "Talend created an account before the kill");
    const recorded = JSON.stringify(await stack.exportState());
    const posted = ours().filter((a) => !recorded.includes(a.id));
    assert.ok(posted.length >= 1, "an account exists in Talend that state does not hold");

    await resumeOnFreshMachine(stack);
    writeYaml(stack, program(prefix, resumed));
    const r = await stack.up({ allowFailure: true });
    assert.equal(r.code, 0, `the resumed up succeeds:\n${r.stdout}`);

    // No orphan, no duplicate: exactly the declared accounts exist, each once, each as state records it.
    assert.deepEqual(ours().map((a) => a.name).sort(), resumed.map((a) => `${prefix}-${a}`).sort());
    const out = await stack.outputs(true);
    for (const a of resumed) {
      const id = out[`${a}Id`];
      assert.ok(ours().some((acc) => acc.id === id), `${a}: the account in state exists in Talend`);
      const token = await new TalendClient({ endpoint: f.emulator.url, credentials: { token: "unused" } }).asServiceAccount(id, out[`${a}Secret`]).accessToken();
      assert.ok(token, `${a}: its secret in state is usable`);
    }
    // And the next preview is clean.
    const plan = await stack.preview();
    assert.deepEqual(plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`), []);
  });
}

test("Pulumi YAML: killed after the run's POST, resumed on a fresh HOME: the task ran exactly once", { skip, timeout: 900_000 }, async () => {
  const proxy = await holdingProxy(f.emulator.url);
  proxies.push(proxy);
  const starts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").length;
  const stack = await yamlStack(
    f,
    `${yamlProject("talend-yaml-crash-run")}resources:
  seed:
    type: talend:index:TaskExecution
    properties:
      task: seed-database
      workspace: ops
      environment: development
      triggers: ["1"]
      pollIntervalSeconds: 1
outputs:
  executionId: \${seed.executionId}
  status: \${seed.status}
`,
    { config: { "talend:endpoint": proxy.url } },
  );
  const before = starts();
  await upKilledAfter(stack, proxy, (method, path) => method === "POST" && path === "/processing/executions");
  assert.equal(starts(), before + 1, "Talend started the run before the kill");
  await resumeOnFreshMachine(stack);
  const r = await stack.up({ allowFailure: true });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(starts(), before + 1, "the resumed up adopted the run instead of starting another");
  assert.equal((await stack.outputs()).status, "execution_successful");
});
