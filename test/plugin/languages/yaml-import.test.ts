import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { TalendClient } from "../../../sdk";
import { e2eFixture } from "../../helpers/pulumi-engine";
import { writeYaml, yamlHost, yamlProject, yamlStack } from "./yaml-stack";

// `pulumi import` of a hand-made account and grant through the plugin, with the YAML host generating the code.
const skip = yamlHost().reason;
const f = e2eFixture();
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;

const PROJECT = () => yamlProject("talend-yaml-import");

test("Pulumi YAML: import of a hand-made account and grant sends nothing, and the printed code previews clean", { skip, timeout: 900_000 }, async () => {
  const admin = new TalendClient({ endpoint: f.emulator.url, credentials: { token: "emulator-admin-pat" } });
  const account = await admin.serviceAccounts.create({ name: "hand-made", permissions: ["TMC_ENGINE_USE"] });
  const ws = await admin.workspaces.getByName("ops", "development");
  await admin.workspacePermissions.create(ws.id, account.id, ["EXECUTE"]);

  const stack = await yamlStack(f, PROJECT());
  const before = mutations();
  const code = join(stack.dir, "imported.yaml");
  await stack.run(["import", "talend:index:ServiceAccountResource", "handMade", account.id, "--yes", "--non-interactive", "--protect=false", "--out", code]);
  const grantCode = join(stack.dir, "imported-grant.yaml");
  await stack.run(["import", "talend:index:WorkspacePermission", "handMadeExecute", `${ws.id}/${account.id}`, "--yes", "--non-interactive", "--protect=false", "--out", grantCode]);
  assert.equal(mutations(), before, "import sends no mutating request");

  const state = await stack.exportState();
  const imported = state.deployment.resources.find((r: { type: string }) => r.type === "talend:index:ServiceAccountResource");
  assert.equal(imported.id, account.id);
  assert.equal(imported.outputs.accountName, "hand-made");
  assert.equal(imported.outputs.clientSecret, undefined, "an imported account has no clientSecret");

  // The printed code, pasted into the program: a preview shows no change and sends nothing.
  const accountYaml = readFileSync(code, "utf8");
  const grantYaml = readFileSync(grantCode, "utf8").replace(/^resources:\n/m, "");
  assert.match(accountYaml, /type: talend:(index:)?ServiceAccountResource/);
  writeYaml(stack, `${PROJECT()}${accountYaml.trimEnd()}\n${grantYaml}`);
  const plan = await stack.preview();
  assert.deepEqual(plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`), []);
  assert.equal(mutations(), before, "preview sends no mutating request");
});
