import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../../emulator";
import { e2eFixture } from "../../helpers/pulumi-engine";
import { yamlHost, yamlProject, yamlStack } from "./yaml-stack";

// Two tenants in one YAML program: each its own explicit `talend` provider with its own config (here, two emulators).
const skip = yamlHost().reason;
const f = e2eFixture();
let second: TalendEmulator | undefined;
before(async () => {
  if (!skip) second = await startEmulator();
});
after(async () => {
  await second?.close();
});

const program = (a: string, b: string) => `${yamlProject("talend-yaml-tenants")}resources:
  tenantA:
    type: pulumi:providers:talend
    properties:
      endpoint: ${a}
      token:
        fn::secret: emulator-admin-pat
  tenantB:
    type: pulumi:providers:talend
    properties:
      endpoint: ${b}
      token:
        fn::secret: emulator-admin-pat
  runnerA:
    type: talend:index:ServiceAccount
    properties:
      name: tenant-a-runner
      permissions: [TMC_ENGINE_USE]
    options:
      provider: \${tenantA}
  runnerB:
    type: talend:index:ServiceAccount
    properties:
      name: tenant-b-runner
      permissions: [TMC_ENGINE_USE]
    options:
      provider: \${tenantB}
  grantB:
    type: talend:index:WorkspacePermission
    properties:
      serviceAccountId: \${runnerB.clientId}
      workspaceId: \${opsB.id}
      permissions: [EXECUTE]
    options:
      provider: \${tenantB}
variables:
  opsB:
    fn::invoke:
      function: talend:index:getWorkspace
      arguments:
        name: analytics
        environment: development
      options:
        provider: \${tenantB}
`;

test("Pulumi YAML: explicit provider instances, one per tenant, each with its own configuration", { skip, timeout: 900_000 }, async () => {
  const b = second!;
  // No stack-level token: everything comes from the providers' own configuration.
  const stack = await yamlStack(f, program(f.emulator.url, b.url), { withToken: false });
  const r = await stack.up({ allowFailure: true });
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(f.emulator.state().serviceAccounts.map((a) => a.name), ["tenant-a-runner"]);
  assert.deepEqual(b.state().serviceAccounts.map((a) => a.name), ["tenant-b-runner"]);
  const runnerB = b.state().serviceAccounts[0]!;
  const analytics = b.state().workspaces.find((w) => w.name === "analytics")!;
  assert.ok(b.state().workspacePermissions.some((g) => g.serviceAccountId === runnerB.id && g.workspaceId === analytics.id), "tenant B's grant, on the workspace its lookup found");
  assert.equal(f.emulator.state().workspacePermissions.length, 0, "tenant A got no grant");
  const plan = await stack.preview();
  assert.deepEqual(plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`), []);
  assert.equal((await stack.destroy()).code, 0);
  assert.equal(b.state().serviceAccounts.length + f.emulator.state().serviceAccounts.length, 0);
});
