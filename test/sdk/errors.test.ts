import assert from "node:assert/strict";
import { test } from "node:test";
import { TalendClient, TalendError, redact, registerSecret } from "../../sdk";
import { json, scriptedServer } from "../helpers/http-server";

test("errors carry status, method, path, requestId, Talend's message and a fix", async () => {
  const s = await scriptedServer([json(409, { status: 409, detail: "Service account name already used" }), json(403, { status: 403, message: "Forbidden", requestId: "req-42" })]);
  const client = new TalendClient({ endpoint: s.url, credentials: { token: "pat-abcdef" }, rateLimits: false });
  try {
    await assert.rejects(client.serviceAccounts.create({ name: "ci", permissions: [] }), (e: TalendError) => {
      assert.equal(e.status, 409);
      assert.equal(e.method, "POST");
      assert.equal(e.path, "/account/service-accounts");
      assert.match(e.message, /already used/);
      assert.match(e.message, /adoptExisting/);
      return true;
    });
    await assert.rejects(client.executions.start({ executable: "t1" }), (e: TalendError) => {
      assert.equal(e.requestId, "req-42");
      assert.match(e.message, /Tasks and Plans - Edit/);
      assert.match(e.message, /EXECUTE/);
      return true;
    });
  } finally {
    await client.close();
    await s.close();
  }
});

test("a planted secret never appears in an error, even when the API echoes it", async () => {
  const pat = "pat-PLANTED-0123456789";
  const secret = "client-secret-PLANTED-xyz";
  const s = await scriptedServer([json(400, { status: 400, message: `bad token ${pat} and secret ${secret}` }), json(401, {})]);
  const client = new TalendClient({ endpoint: s.url, credentials: { token: pat }, rateLimits: false });
  const debug: string[] = [];
  const sa = new TalendClient({ endpoint: s.url, credentials: { clientId: "id-1", clientSecret: secret }, rateLimits: false, logger: (l) => debug.push(l) });
  try {
    const e1 = (await client.serviceAccounts.list().catch((e) => e)) as TalendError;
    const e2 = (await sa.serviceAccounts.list().catch((e) => e)) as TalendError;
    for (const e of [e1, e2]) {
      const text = `${e.message} ${e.detail ?? ""} ${e.stack ?? ""} ${JSON.stringify(e)}`;
      assert.ok(!text.includes(pat), "PAT leaked");
      assert.ok(!text.includes(secret), "secret leaked");
    }
    assert.match((e1 as TalendError).message, /\[REDACTED\]/);
    assert.ok(!debug.join("\n").includes(secret));
    assert.ok(!debug.join("\n").includes(Buffer.from(`id-1:${secret}`).toString("base64")));
  } finally {
    await client.close();
    await sa.close();
    await s.close();
  }
});

test("redact masks credentials by shape even when never registered", () => {
  assert.equal(redact("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer [REDACTED]");
  assert.equal(redact('{"access_token":"eyJhbGciOi"}'), '{"access_token":"[REDACTED]"}');
  registerSecret("registered-secret-1");
  assert.equal(redact("x registered-secret-1 y"), "x [REDACTED] y");
  assert.ok(new TalendError({ kind: "config", message: "oops registered-secret-1" }).message.includes("[REDACTED]"));
});
