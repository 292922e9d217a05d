// Programs that keep every rule of the pack, through the real CLI: no violation in preview, `up --skip-preview`
// or `up`, and the resources are applied. Each rule's near miss is here (an allow-listed admin account and
// write grant, secret parameters, a run's secret from its account, EXECUTE with a run, triggers, no idle account).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../tools/repo-root";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";
import { assertNoViolation, summary, withPack } from "./support";
/** The pack reports the package's version (policy/package.json follows it). */
const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")).version;

const skip = pulumiCli().reason;
const f = e2eFixture();

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";


// An admin account, allow-listed by name, with write rights on an allow-listed workspace.
const admin = new talend.ServiceAccount("admin", { name: "tenant-admin", permissions: ["TMC_USER_MANAGEMENT", "TMC_ENGINE_USE"] });
new talend.WorkspacePermission("admin-analytics", { serviceAccountId: admin.clientId, workspace: "analytics", environment: "development", permissions: ["VIEW", "AUTHOR"] });

// A runner with EXECUTE where it runs, its secret from its account, secret parameters, triggers.
const runner = new talend.TaskRunner("runner", { name: "pass-runner", workspaces: [{ workspace: "ops", environment: "development" }] });
runner.run("seed", {
  task: "seed-database", workspace: "ops", environment: "development", triggers: ["1"], waitForCompletion: false,
  parameters: { "db.password": pulumi.secret("hunter2"), token_url: "https://auth.example.com/token", target_schema: "public" },
});
`;
const CONFIG = {
  "talend-account-admin-permissions": { allowedAccounts: ["tenant-admin"] },
  "talend-workspace-write-allow-list": { allowedWorkspaces: ["development/analytics"] },
  "talend-secret-parameters": { allowedParameters: ["token_url"] },
};

test("a program keeping every rule: no violation in preview or up --skip-preview, and it is applied", { skip, timeout: 300_000 }, async () => {
  const s = await f.stack({ program: PROGRAM });
  const preview = await withPack(s, "preview", CONFIG);
  assert.equal(preview.code, 0, summary(preview));
  assertNoViolation(preview);
  assert.ok(preview.stdout.includes(`✅ pulumi-talend@v${PACKAGE_VERSION}`), preview.stdout);
  const up = await withPack(s, "up --skip-preview", CONFIG);
  assert.equal(up.code, 0, summary(up));
  assertNoViolation(up);
  const names = f.emulator.state().serviceAccounts.map((a) => a.name);
  assert.ok(names.includes("tenant-admin") && names.includes("pass-runner"), "applied");
});

test("examples/bootstrap: no violation in preview or up", { skip, timeout: 300_000 }, async () => {
  const s = await f.stack({ program: readFileSync(join(repoRoot(), "examples", "bootstrap", "index.ts"), "utf8") });
  const preview = await withPack(s, "preview");
  assert.equal(preview.code, 0, summary(preview));
  assertNoViolation(preview);
  const up = await withPack(s, "up");
  assert.equal(up.code, 0, summary(up));
  assertNoViolation(up);
  assert.equal((await s.outputs()).seedStatus, "execution_successful");
});
