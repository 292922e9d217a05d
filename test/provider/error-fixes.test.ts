import assert from "node:assert/strict";
import { test } from "node:test";
import { ERROR_CODES, type Finding, TalendError, type TalendErrorCode } from "../../sdk";
import { PULUMI_FIXES, RUN_REQUIREMENT_FIXES, describeFinding, withPulumiFix } from "../../provider/error-fixes";

const fromRequest = (code: TalendErrorCode, extra: Partial<ConstructorParameters<typeof TalendError>[0]> = {}) =>
  new TalendError({ kind: "http", code, status: 403, method: "POST", path: "/account/service-accounts", message: "403 Forbidden", hint: "the caller needs X", ...extra });

test("withPulumiFix puts each mapped code's Pulumi fix in the message, keeping code, status, cause and extra properties", () => {
  const cause = new Error("underlying");
  for (const code of Object.keys(PULUMI_FIXES) as TalendErrorCode[]) {
    assert.ok(code in ERROR_CODES, `${code} is not an SDK error code`);
    const original = Object.assign(fromRequest(code, { cause }), { id: "sa-1" });
    const fixed = withPulumiFix(original) as TalendError & { id?: string };
    assert.ok(fixed instanceof TalendError);
    assert.match(fixed.message, /pulumi|talend:|adoptExisting|ServiceAccount/, code);
    assert.deepEqual([fixed.code, fixed.status, fixed.path, fixed.cause, fixed.id], [code, 403, "/account/service-accounts", cause, "sa-1"]);
    assert.equal(withPulumiFix(fixed), fixed, `${code}: fixing twice changes nothing`);
  }
  const token = withPulumiFix(fromRequest("invalid-token")) as TalendError;
  assert.match(token.message, /\nFix: check talend:token \(pulumi config set --secret talend:token/);
  const permission = withPulumiFix(fromRequest("missing-permission")) as TalendError;
  assert.match(permission.message, /the caller needs X\. The caller is the user of talend:token/);
  const asAccount = withPulumiFix(fromRequest("missing-permission", { serviceAccountId: "sa-7" })) as TalendError;
  assert.match(asAccount.message, /the caller needs X\. The caller is the ServiceAccount sa-7: add/);
});

test("withPulumiFix leaves alone what it has no fix for: other errors, provider errors with their own fix, unmapped codes", () => {
  const plain = new Error("boom");
  assert.equal(withPulumiFix(plain), plain);
  assert.equal(withPulumiFix("text"), "text");
  const own = new TalendError({ kind: "http", status: 409, code: "name-taken", message: "ServiceAccount: ci exists", hint: "set adoptExisting: true" });
  assert.equal(withPulumiFix(own), own);
  const unmapped = fromRequest("invalid-response");
  assert.equal(withPulumiFix(unmapped), unmapped);
});

test("each run requirement's fix is said in Pulumi terms, the SDK's detail kept", () => {
  const checks: Finding["check"][] = ["account", "engine-permission", "tasks-and-plans-edit", "workspace-execute"];
  assert.deepEqual(Object.keys(RUN_REQUIREMENT_FIXES).sort(), [...checks].sort());
  for (const check of checks) {
    const line = describeFinding({ check, ok: false, detail: "DETAIL", permission: "PERM", fix: "api fix" });
    assert.match(line, /^DETAIL: /);
    assert.doesNotMatch(line, /api fix/);
  }
  assert.match(describeFinding({ check: "tasks-and-plans-edit", ok: "unknown", detail: "unknown ID" }), /talend:tasksAndPlansEditPermission/);
  assert.match(describeFinding({ check: "workspace-execute", ok: false, detail: "no grant" }), /WorkspacePermission with permissions \["EXECUTE"\]/);
});
