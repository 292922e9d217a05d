import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { startEmulator } from "../../emulator";
import { ERROR_CODES, type Finding, TalendClient, TalendError, type TalendErrorCode, TokenCache, buildCatalog, redact, registerSecret, runReadiness } from "../../sdk";
import { exactlyOne } from "../../sdk/find-by-name";
import { repoRoot } from "../../tools/repo-root";
import { json, scriptedServer } from "../helpers/http-server";
import { withScriptedClient } from "../helpers/sdk-client";

const once = { retry: { maxAttempts: 1 }, rateLimits: false as const, sleep: async () => undefined };
const account = { id: "sa-1", name: "ci", permissions: [], createdDate: "2026-01-01T00:00:00Z", lastModifiedDate: "2026-01-01T00:00:00Z" };

/** Words that belong to the Pulumi layer, never to the SDK's messages. */
const PULUMI_WORDS = /pulumi|talend:|adoptExisting|uniqueSuffix|rotateSecret|getPermissionCatalog|\bWorkspacePermission\b|\bServiceAccount\b|\bTaskExecution\b|\bTaskRunner\b/i;

/** A failure of each kind the SDK can produce, by the code it carries. */
async function everyFailure(): Promise<Map<TalendErrorCode, TalendError[]>> {
  const s = await scriptedServer([
    json(401, {}),
    json(401, { error: "invalid_client" }),
    json(403, {}),
    json(404, {}),
    json(409, {}),
    json(409, {}),
    json(409, {}),
    json(400, { message: "bad filter" }),
    json(429, {}),
    json(503, {}),
    json(500, {}),
    json(200, [{ nope: true }]),
  ]);
  const pat = new TalendClient({ endpoint: s.url, credentials: { token: "pat-123456" }, ...once });
  const sa = new TalendClient({ endpoint: s.url, credentials: { clientId: "id-1", clientSecret: "codes-test-secret" }, tokenCache: new TokenCache(), ...once });
  const down = new TalendClient({ endpoint: "http://127.0.0.1:1", credentials: { token: "pat-123456" }, ...once });
  const failures: Array<() => Promise<unknown>> = [
    () => pat.serviceAccounts.list(),
    () => sa.accessToken(),
    () => pat.serviceAccounts.list(),
    () => pat.serviceAccounts.get("sa-1"),
    () => pat.serviceAccounts.create({ name: "ci", permissions: [] }),
    () => pat.workspacePermissions.create("ws-1", "sa-1", ["EXECUTE"]),
    () => pat.workspacePermissions.replace("ws-1", "sa-1", ["EXECUTE"]),
    () => pat.serviceAccounts.list(),
    () => pat.serviceAccounts.list(),
    () => pat.serviceAccounts.list(),
    () => pat.executions.start({ executable: "task-1" }),
    () => pat.serviceAccounts.list(),
    () => down.serviceAccounts.list(),
    async () => new TalendClient({ region: "mars", credentials: { token: "pat-123456" } }),
    async () => exactlyOne([], "environment named \"dev\"", () => ["prod"]),
    async () => exactlyOne([account, account], "service account named \"ci\"", () => []),
    async () => Promise.reject(new TalendError({ kind: "precondition", message: "service account sa-1 lacks EXECUTE on workspace ws-1" })),
  ];
  const byCode = new Map<TalendErrorCode, TalendError[]>();
  try {
    for (const fail of failures) {
      // One at a time: the scripted server answers in order.
      const e = await fail().then(
        () => assert.fail("expected a failure"),
        (err: unknown) => err,
      );
      assert.ok(e instanceof TalendError, String(e));
      byCode.set(e.code, [...(byCode.get(e.code) ?? []), e]);
    }
  } finally {
    await Promise.all([pat.close(), sa.close(), down.close(), s.close()]);
  }
  return byCode;
}

test("every documented error code is what its failure carries, and every failure has a documented code", async () => {
  const byCode = await everyFailure();
  assert.deepEqual([...byCode.keys()].sort(), Object.keys(ERROR_CODES).sort());
  assert.equal(byCode.get("invalid-client")?.[0]?.path, "/security/oauth/token");
  assert.equal(byCode.get("name-taken")?.[0]?.path, "/account/service-accounts");
  assert.deepEqual(byCode.get("not-found")?.map((e) => e.kind), ["http", "not-found-lookup"]);
  assert.equal(byCode.get("lost-response")?.[0]?.kind, "ambiguous");
  // Who was refused: a request sent as a service account says which; one sent with a PAT says none.
  assert.equal(byCode.get("missing-permission")?.[0]?.serviceAccountId, undefined);
  // A creator's explicit code wins; a copy keeps it.
  const e = new TalendError({ kind: "http", status: 409, code: "name-taken", message: "an account named ci exists" });
  assert.equal(e.copyWith({ hint: "rename it" }).code, "name-taken");
});

test("an error says which service account a refused request was sent as", async () => {
  await withScriptedClient([json(200, { access_token: "tok-for-sa-7", token_type: "Bearer", expires_in: 1800 }), json(403, {})], { credentials: { clientId: "sa-7", clientSecret: "sa-7-secret" }, ...once }, async (sa) => {
    const e = (await sa.executions.get("run-1").catch((err) => err)) as TalendError;
    assert.deepEqual([e.code, e.serviceAccountId], ["missing-permission", "sa-7"]);
  });
});

test("the cause of a failure is kept, through copies too", async () => {
  const client = new TalendClient({ endpoint: "http://127.0.0.1:1", credentials: { token: "pat-123456" }, ...once });
  try {
    const e = (await client.serviceAccounts.list().catch((err) => err)) as TalendError;
    assert.equal(e.code, "unreachable");
    assert.ok(e.cause instanceof Error, "the connection error is the cause");
    const cause = e.cause as Error & { code?: string; cause?: { code?: string } };
    assert.equal(cause.code ?? cause.cause?.code, "ECONNREFUSED");
    const copy = e.copyWith({ hint: "another fix" });
    assert.equal(copy.cause, e.cause);
    assert.match(copy.message, /\nFix: another fix$/);
  } finally {
    await client.close();
  }
  const given = new Error("underlying");
  assert.equal(new TalendError({ kind: "config", message: "wrapped", cause: given }).cause, given);
});

test("SDK messages and hints name no Pulumi thing: every failure, every run requirement, every string in sdk/", async () => {
  for (const [code, errors] of await everyFailure()) for (const e of errors) assert.doesNotMatch(`${e.message}\n${e.hint ?? ""}`, PULUMI_WORDS, code);

  const emu = await startEmulator();
  const admin = new TalendClient({ endpoint: emu.url, credentials: { token: "emulator-admin-pat" }, tokenCache: new TokenCache() });
  try {
    const catalog = buildCatalog(await admin.serviceAccounts.permissionCatalog());
    const bare = await admin.serviceAccounts.create({ name: "bare", permissions: [] });
    const workspace = emu.state().workspaces[0]!;
    const findings: Finding[] = [
      ...(await runReadiness(admin, catalog, bare.id, { id: workspace.id, name: workspace.name })),
      ...(await runReadiness(admin, catalog, "no-such-account", { id: workspace.id })),
    ];
    emu.admin.setWorkspacePermission(workspace.id, bare.id, ["VIEW"]);
    findings.push(...(await runReadiness(admin, catalog, bare.id, { id: workspace.id })));
    const unmet = findings.filter((f) => f.ok === false);
    assert.deepEqual([...new Set(unmet.map((f) => f.check))].sort(), ["account", "engine-permission", "tasks-and-plans-edit", "workspace-execute"]);
    for (const f of findings) assert.doesNotMatch(`${f.detail}\n${f.fix ?? ""}`, PULUMI_WORDS, f.check);
  } finally {
    await admin.close();
    await emu.close();
  }

  // Every string and template literal of the SDK's sources (comments may mention Pulumi; messages may not).
  // permission-catalog.ts is left out until its own rework (another change) moves its config-key advice out.
  const dir = join(repoRoot(), "sdk");
  const offending: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts") && n !== "permission-catalog.ts")) {
    const source = ts.createSourceFile(name, readFileSync(join(dir, name), "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) && PULUMI_WORDS.test(node.getText())) {
        offending.push(`${name}: ${node.getText()}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(offending, []);
});

test("a planted secret never appears in an error, even when the API echoes it", async () => {
  const pat = "pat-PLANTED-0123456789";
  const secret = "client-secret-PLANTED-xyz";
  const debug: string[] = [];
  await withScriptedClient([json(400, { status: 400, message: `bad token ${pat} and secret ${secret}` }), json(401, {})], { credentials: { token: pat }, rateLimits: false }, async (client, s) => {
    const sa = new TalendClient({ endpoint: s.url, credentials: { clientId: "id-1", clientSecret: secret }, rateLimits: false, logger: (l) => debug.push(l) });
    try {
      const e1 = (await client.serviceAccounts.list().catch((e) => e)) as TalendError;
      const e2 = (await sa.serviceAccounts.list().catch((e) => e)) as TalendError;
      for (const e of [e1, e2]) {
        const text = `${e.message} ${e.detail ?? ""} ${e.stack ?? ""} ${JSON.stringify(e)}`;
        assert.ok(!text.includes(pat), "PAT leaked");
        assert.ok(!text.includes(secret), "secret leaked");
      }
      assert.match(e1.message, /\[REDACTED\]/);
      assert.ok(!debug.join("\n").includes(secret));
      assert.ok(!debug.join("\n").includes(Buffer.from(`id-1:${secret}`).toString("base64")));
    } finally {
      await sa.close();
    }
  });
});

test("errors carry status, method, path, requestId, Talend's message and a fix in API terms", async () => {
  await withScriptedClient([json(409, { status: 409, detail: "Service account name already used" }), json(403, { status: 403, message: "Forbidden", requestId: "req-42" })], { credentials: { token: "pat-abcdef" }, rateLimits: false }, async (client) => {
    await assert.rejects(client.serviceAccounts.create({ name: "ci", permissions: [] }), (e: TalendError) => {
      assert.deepEqual([e.code, e.status, e.method, e.path], ["name-taken", 409, "POST", "/account/service-accounts"]);
      assert.match(e.message, /already used/);
      assert.match(e.message, /\nFix: .*choose another name/);
      return true;
    });
    await assert.rejects(client.executions.start({ executable: "t1" }), (e: TalendError) => {
      assert.deepEqual([e.code, e.requestId], ["missing-permission", "req-42"]);
      assert.match(e.message, /Tasks and Plans - Edit/);
      assert.match(e.message, /EXECUTE/);
      return true;
    });
  });
});

test("redact masks credentials by shape even when never registered", () => {
  assert.equal(redact("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer [REDACTED]");
  assert.equal(redact('{"access_token":"eyJhbGciOi"}'), '{"access_token":"[REDACTED]"}');
  registerSecret("registered-secret-1");
  assert.equal(redact("x registered-secret-1 y"), "x [REDACTED] y");
  assert.ok(new TalendError({ kind: "config", message: "oops registered-secret-1" }).message.includes("[REDACTED]"));
});
