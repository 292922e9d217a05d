import assert from "node:assert/strict";
import { test } from "node:test";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const f = e2eFixture();
const stackOf = (program: string, withToken = true) => f.stack({ program: `import * as talend from "pulumi-talend";\n${program}`, withToken });
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET").length;

test("an unknown permission ID: a warning with the closest IDs in preview, an error before any POST in up", { skip, timeout: 180_000 }, async () => {
  const s = await stackOf(`new talend.ServiceAccount("ci", { name: "typo", permissions: ["TMC_ENGIN_USE"] });`);
  const preview = await s.run(["preview", "--non-interactive"]);
  assert.match(preview.stdout, /warning: (\[runtime\] )?permission "TMC_ENGIN_USE" is not in this tenant's catalogue \(did you mean TMC_ENGINE_USE/);
  const before = mutations();
  const up = await s.up({ allowFailure: true });
  assert.notEqual(up.code, 0);
  assert.match(up.stdout, /ServiceAccount\.permissions: "TMC_ENGIN_USE" not in this tenant's permission catalogue/);
  assert.match(up.stdout, /Fix: instead of TMC_ENGIN_USE, did you mean TMC_ENGINE_USE/);
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

test("a missing token names the setting and the command that fixes it", { skip, timeout: 180_000 }, async () => {
  const s = await stackOf(`new talend.ServiceAccount("ci", { name: "no-token" });`, false);
  const up = await s.up({ allowFailure: true });
  assert.notEqual(up.code, 0);
  assert.match(up.stdout, /talend:token is not set/);
  assert.match(up.stdout, /pulumi config set --secret talend:token/);
});
