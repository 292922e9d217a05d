import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../../tools/repo-root";
import { e2eFixture } from "../../helpers/pulumi-engine";
import { writeYaml, yamlHost, yamlProject, yamlStack } from "./yaml-stack";

// A component's children are served by the provider serving the component (provider/plugin/components.ts):
// one provider resource and one plugin process, whether the program asks for the plugin's version (as the generated
// SDKs do) or for none (as YAML does). Before, a program asking for none had two: its own default provider, and the
// children's, of the plugin's version.
const skip = yamlHost().reason;
const f = e2eFixture();
const version: string = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")).version;
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;

const program = (opts: { version?: string }) => {
  const options = opts.version ? `    options:\n      version: ${opts.version}\n` : "";
  return `${yamlProject("talend-yaml-one-provider")}resources:
  runner:
    type: talend:index:ServiceAccount
    properties:
      name: one-provider-runner
      permissions: [TMC_ENGINE_USE]
${options}  ci:
    type: talend:index:TaskRunner
    properties:
      name: one-provider-ci
      workspaces:
        - workspace: ops
          environment: development
${options}`;
};

/** The talend provider resources in state; the types of the talend custom resources, and the providers serving them. */
async function providers(stack: Awaited<ReturnType<typeof yamlStack>>) {
  const resources = (await stack.exportState()).deployment.resources as Array<{ urn: string; type: string; id?: string; custom?: boolean; provider?: string }>;
  const talend = resources.filter((r) => r.type === "pulumi:providers:talend").map((r) => `${r.urn}::${r.id}`);
  const custom = resources.filter((r) => r.custom && r.type.startsWith("talend:index:"));
  return { talend, types: [...new Set(custom.map((r) => r.type.replace("talend:index:", "")))].sort(), servedBy: [...new Set(custom.map((r) => r.provider))] };
}
const CHILDREN = ["ServiceAccountIntent", "ServiceAccountResource", "WorkspacePermission"];

test("Pulumi YAML: a component's children (a ServiceAccount's pair, a TaskRunner's) use the component's provider (one plugin process)", { skip, timeout: 900_000 }, async (t) => {
  const stack = await yamlStack(f, program({ version }));

  await t.test("a first preview (the provider's id still unknown) shows the components and their children", async () => {
    const plan = await stack.preview();
    for (const type of ["ServiceAccount", "ServiceAccountIntent", "ServiceAccountResource"]) {
      assert.ok(plan.steps.some((s) => s.op === "create" && s.urn.includes(`talend:index:${type}::runner`)), `preview creates the ${type}`);
    }
    assert.ok(plan.steps.some((s) => s.op === "create" && s.urn.includes("talend:index:WorkspacePermission::ci-")), "preview creates the runner's grant");
  });

  await t.test("with the plugin's version asked for: one talend provider, serving every child", async () => {
    await stack.up();
    const { talend, types, servedBy } = await providers(stack);
    assert.equal(talend.length, 1, `one talend provider: ${talend.join(", ")}`);
    assert.match(talend[0]!, new RegExp(`::default_${version.replaceAll(".", "_")}::`));
    assert.deepEqual(types, CHILDREN);
    assert.deepEqual(servedBy, talend);
  });

  await t.test("with no version, as YAML writes it: all move to the default provider, and nothing is replaced or sent", async () => {
    const ids = () => f.emulator.state().serviceAccounts.filter((a) => a.name.startsWith("one-provider-")).map((a) => a.id).sort();
    const before = ids();
    writeYaml(stack, program({}));
    const sent = mutations();
    const plan = await stack.preview();
    const changed = plan.steps.filter((s) => s.urn.includes("talend:index:") && s.op !== "same");
    assert.deepEqual(changed.map((s) => `${s.op} ${s.urn}`), [], "no talend resource changes");
    await stack.up();
    assert.equal(mutations(), sent, "no request that changes Talend");
    const { talend, types, servedBy } = await providers(stack);
    assert.equal(talend.length, 1, `one talend provider: ${talend.join(", ")}`);
    assert.match(talend[0]!, /::default::/);
    assert.deepEqual(types, CHILDREN);
    assert.deepEqual(servedBy, talend);
    assert.equal(before.length, 2);
    assert.deepEqual(ids(), before, "the same accounts");
  });

  await t.test("destroy", async () => {
    await stack.destroy();
    assert.equal(f.emulator.state().serviceAccounts.filter((a) => a.name.startsWith("one-provider-")).length, 0);
  });
});
