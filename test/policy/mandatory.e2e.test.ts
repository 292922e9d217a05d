// The pack's mandatory rules through the real CLI: `pulumi preview`, `pulumi up` and `pulumi up --skip-preview`
// with `--policy-pack node_modules/pulumi-talend/policy` refuse the program, name the resource and the fix, and
// no mutating request reaches Talend (the emulator records every request).
import assert from "node:assert/strict";
import { test } from "node:test";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";
import { type Violation, summary, violations, withPack } from "./support";

const skip = pulumiCli().reason;
const f = e2eFixture();
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.method !== "HEAD").length;

const ACCOUNT_ID = "00000000-0000-4000-8000-0000000000aa";
/** One resource per mandatory rule; none of them may reach Talend. */
const BREAKS = {
  admin: `new talend.ServiceAccount("admin", { name: "ops-admin", permissions: ["TMC_ENGINE_USE", "TMC_USER_MANAGEMENT"] });`,
  write: `new talend.WorkspacePermission("deployer-ops", { serviceAccountId: "${ACCOUNT_ID}", workspace: "ops", environment: "development", permissions: ["EXECUTE", "AUTHOR"] });`,
  secrets: `new talend.TaskExecution("seed", { task: "seed-database", workspace: "ops", environment: "development", clientId: "${ACCOUNT_ID}", clientSecret: "literal-secret", parameters: { "db.password": "hunter2", target_schema: "public" }, triggers: ["1"] });`,
};
const program = (...lines: string[]) => `import * as talend from "pulumi-talend";\n${lines.join("\n")}\n`;

const EXPECTED: Record<keyof typeof BREAKS, Array<Pick<Violation, "policy" | "resource"> & { message: RegExp }>> = {
  admin: [{ policy: "talend-account-admin-permissions", resource: "admin", message: /^ServiceAccount "admin" \(Talend name "ops-admin"\) holds TMC_USER_MANAGEMENT, which lets it grant itself any access: remove it, or allow-list "ops-admin" in allowedAccounts of talend-account-admin-permissions\.$/ }],
  write: [{ policy: "talend-workspace-write-allow-list", resource: "deployer-ops", message: /^WorkspacePermission "deployer-ops" grants AUTHOR on workspace "development\/ops", .*: grant EXECUTE only, or allow-list "development\/ops" in allowedWorkspaces of talend-workspace-write-allow-list\.$/ }],
  secrets: [
    { policy: "talend-client-secret-is-secret", resource: "seed", message: /^TaskExecution "seed" takes clientSecret in plain text: pass the ServiceAccount's clientSecret output \(a secret\), or config\.requireSecret\(\.\.\.\)\.$/ },
    { policy: "talend-secret-parameters", resource: "seed", message: /^TaskExecution "seed" passes parameter "db\.password" in plain text, .*: pass pulumi\.secret\(\.\.\.\) or config\.requireSecret\(\.\.\.\), or allow-list "db\.password" in allowedParameters of talend-secret-parameters\.$/ },
  ],
};

function assertRefused(r: Awaited<ReturnType<typeof withPack>>, expected: Array<(typeof EXPECTED)[keyof typeof EXPECTED][number]>): void {
  assert.notEqual(r.code, 0, summary(r));
  const mandatory = violations(r).filter((v) => v.level === "mandatory");
  assert.deepEqual(mandatory.map((v) => `${v.policy} ${v.resource}`).sort(), expected.map((e) => `${e.policy} ${e.resource}`).sort(), summary(r));
  for (const e of expected) assert.match(mandatory.find((v) => v.policy === e.policy)!.message, e.message);
  assert.ok(!/hunter2|literal-secret/.test(mandatory.map((v) => v.message).join("\n")), "no message prints the value");
}

test("preview, then up with its preview: every mandatory rule refused at once, nothing sent to Talend", { skip, timeout: 300_000 }, async () => {
  const s = await f.stack({ program: program(BREAKS.admin, BREAKS.write, BREAKS.secrets) });
  const all = Object.values(EXPECTED).flat();
  const before = mutations();
  assertRefused(await withPack(s, "preview"), all);
  assertRefused(await withPack(s, "up"), all);
  assert.equal(mutations(), before, "no POST, PUT or DELETE reached Talend");
});

for (const [rule, line] of Object.entries(BREAKS) as Array<[keyof typeof BREAKS, string]>) {
  test(`up --skip-preview: ${EXPECTED[rule].map((e) => e.policy).join(" and ")} refuse(s) the resource before its step, nothing sent to Talend`, { skip, timeout: 300_000 }, async () => {
    const s = await f.stack({ program: program(line) });
    const before = mutations();
    assertRefused(await withPack(s, "up --skip-preview"), EXPECTED[rule]);
    assert.equal(mutations(), before, "no POST, PUT or DELETE reached Talend");
  });
}
