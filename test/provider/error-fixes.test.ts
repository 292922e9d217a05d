import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ERROR_CODES, type Finding, TalendError, type TalendErrorCode, registerSecret } from "../../sdk";
import { PULUMI_FIXES, RUN_REQUIREMENT_FIXES, describeFinding, withPulumiFix } from "../../provider/error-fixes";
import { PROVIDER_ERRORS, ProviderError, type ProviderErrorArgs, type ProviderErrorCode } from "../../provider/errors";
import { repoRoot } from "../../tools/repo-root";
import { providerFixture, workspaceId } from "../helpers/provider-context";

let f: Awaited<ReturnType<typeof providerFixture>>;
before(async () => (f = await providerFixture()));
after(async () => f.close());

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
  const own = new ProviderError("account-name-taken", { name: "ci" });
  assert.equal(withPulumiFix(own), own);
  const withoutRequest = new TalendError({ kind: "config", message: "pulumi-talend configuration: talend:token is not set", hint: "set it" });
  assert.equal(withPulumiFix(withoutRequest), withoutRequest);
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

/** Every code with values that name it, as a caller would pass them. */
const SAMPLE_ARGS: { [C in ProviderErrorCode]: ProviderErrorArgs<C> } = {
  "account-name-taken": { name: "ci" },
  "account-rename-taken": { id: "sa-1", from: "ci", to: "etl" },
  "account-gone": { id: "sa-1", name: "ci" },
  "grant-held": { serviceAccountId: "sa-1", workspaceId: "ws-1", held: "EXECUTE, VIEW" },
};

test("the provider's own errors: every code has a message and a fix, and none carries an HTTP status", () => {
  const codes = Object.keys(PROVIDER_ERRORS) as ProviderErrorCode[];
  assert.deepEqual(codes.sort(), Object.keys(SAMPLE_ARGS).sort());
  const cause = new TalendError({ kind: "http", status: 409, method: "PUT", path: "/account/service-accounts/sa-1", message: "409 Conflict" });
  for (const code of codes) {
    const { fix } = PROVIDER_ERRORS[code];
    const e = new ProviderError(code, SAMPLE_ARGS[code] as never, { cause });
    const [message, fixLine, ...rest] = e.message.split("\n");
    assert.match(message ?? "", /^(ServiceAccount|WorkspacePermission)\b/, `${code}: the message names the resource`);
    assert.doesNotMatch(message ?? "", /undefined|\[object/, `${code}: every value is filled in`);
    for (const value of Object.values(SAMPLE_ARGS[code])) assert.ok(message?.includes(value), `${code}: the message shows ${value}`);
    assert.ok(fix.length > 20, `${code}: has a fix`);
    assert.deepEqual([fixLine, rest], [`Fix: ${fix}`, []], `${code}: one message line, then its fix`);
    assert.deepEqual([e.code, e.fix, e.cause, e.name], [code, fix, cause, "ProviderError"]);
    assert.ok(!(e instanceof TalendError), `${code}: not dressed up as an answer of Talend`);
    assert.ok(!("status" in e) && !("kind" in e), `${code}: no status, no kind`);
    assert.doesNotMatch(e.message, /\b(409|404|Conflict|Not Found)\b/, `${code}: no HTTP status in what the user reads`);
    assert.equal(withPulumiFix(e), e, `${code}: its fix is final`);
  }
  // Values pass through the same redaction as Talend's messages.
  registerSecret("provider-error-secret-1234");
  assert.doesNotMatch(new ProviderError("account-name-taken", { name: "provider-error-secret-1234" }).message, /provider-error-secret-1234/);
});

test("each fix is written once, in errors.ts, and a Talend 409 reuses the same text", () => {
  assert.equal(PULUMI_FIXES["name-taken"]?.(new TalendError({ kind: "http", status: 409, message: "409" })), PROVIDER_ERRORS["account-name-taken"].fix);
  assert.equal(PULUMI_FIXES["grant-exists"]?.(new TalendError({ kind: "http", status: 409, message: "409" })), PROVIDER_ERRORS["grant-held"].fix);
  const dir = join(repoRoot(), "provider");
  const sources = readdirSync(dir).filter((name) => name.endsWith(".ts")).map((name) => [name, readFileSync(join(dir, name), "utf8")] as const);
  for (const { fix } of Object.values(PROVIDER_ERRORS)) {
    const holders = sources.filter(([, text]) => text.includes(fix)).map(([name]) => name);
    assert.deepEqual(holders, ["errors.ts"], `written once, in errors.ts: ${fix}`);
  }
  // What the copies looked like: a fix in its own words, beside a status Talend never sent.
  for (const [name, text] of sources) {
    if (name === "errors.ts") continue;
    assert.doesNotMatch(text, /set adoptExisting: true to manage|run `pulumi refresh` so that/, `${name} writes a fix of the table again`);
    assert.doesNotMatch(text, /status: 40[49]/, `${name} invents an HTTP status`);
  }
});

/** The error a call fails with (the test fails if it succeeds). */
const failure = (p: Promise<unknown>) => p.then(() => assert.fail("expected a failure"), (e: unknown) => e);

test("a name taken by an account that is not ours: account-name-taken, with the fix, and no status", async () => {
  await f.ctx.client.serviceAccounts.create({ name: "ef-taken", permissions: [] });
  f.emulator.clock.advance(5_000);
  const e = await failure(f.createVia(f.serviceAccount, { name: "ef-taken", permissions: [] }));
  assert.ok(e instanceof ProviderError, String(e));
  assert.equal(e.code, "account-name-taken");
  assert.equal(e.message, `ServiceAccount: an account named "ef-taken" already exists in Talend\nFix: ${PROVIDER_ERRORS["account-name-taken"].fix}`);
});

test("a rename to a taken name, and an update of a deleted account: their own codes, Talend's answer as the cause", async () => {
  const a = await f.createVia(f.serviceAccount, { name: "ef-a", permissions: [] });
  await f.createVia(f.serviceAccount, { name: "ef-b", permissions: [] });
  const renamed = await failure(f.serviceAccount.update(a.id, a.outs, { ...a.inputs, name: "ef-b" }));
  assert.ok(renamed instanceof ProviderError, String(renamed));
  assert.equal(renamed.code, "account-rename-taken");
  assert.match(renamed.message, new RegExp(`^ServiceAccount "ef-a" \\(${a.id}\\): cannot rename it to "ef-b": another account in Talend has that name\nFix: choose another name`));
  assert.doesNotMatch(renamed.message, /adoptExisting/, "adoptExisting cannot help a rename");
  assert.ok(renamed.cause instanceof TalendError && renamed.cause.status === 409, "Talend's 409 is the cause");

  await f.ctx.client.serviceAccounts.delete(a.id);
  const gone = await failure(f.serviceAccount.update(a.id, a.outs, { ...a.inputs, permissions: ["TMC_ENGINE_USE"] }));
  assert.ok(gone instanceof ProviderError, String(gone));
  assert.equal(gone.code, "account-gone");
  assert.equal(gone.message, `ServiceAccount "ef-a" (${a.id}) no longer exists in Talend\nFix: run \`pulumi refresh\` so that the next \`pulumi up\` creates it again`);
  assert.ok(gone.cause instanceof TalendError && gone.cause.status === 404, "Talend's 404 is the cause");
});

test("a grant held with another set: grant-held, naming what is held, Talend's 409 as the cause", async () => {
  const sa = (await f.createVia(f.serviceAccount, { name: "ef-grantee", permissions: [] })).id;
  const ws = workspaceId(f.emulator, "ops", "production");
  f.emulator.admin.setWorkspacePermission(ws, sa, ["AUTHOR", "VIEW"]);
  const e = await failure(f.createVia(f.workspacePermission, { serviceAccountId: sa, workspaceId: ws, permissions: ["EXECUTE"] }));
  assert.ok(e instanceof ProviderError, String(e));
  assert.equal(e.code, "grant-held");
  assert.equal(e.message, `WorkspacePermission: service account ${sa} already has AUTHOR, VIEW on workspace ${ws}\nFix: ${PROVIDER_ERRORS["grant-held"].fix}`);
  assert.ok(e.cause instanceof TalendError && e.cause.status === 409, "Talend's 409 is the cause");
});
