import assert from "node:assert/strict";
import { test } from "node:test";
import { TalendClient, type TalendError } from "../../sdk";
import { RateLimiter } from "../../sdk/rate-limiter";
import { json, reset } from "../helpers/http-server";
import { withScriptedClient } from "../helpers/sdk-client";

const noSleep = { sleep: async () => undefined, rateLimits: false as const };
const account = { id: "sa-1", name: "ci", permissions: [], createdDate: "2026-01-01T00:00:00Z", lastModifiedDate: "2026-01-01T00:00:00Z" };

test("GET retries 429/502/503/504 and connection resets, then succeeds", async () => {
  await withScriptedClient([json(429, {}), json(502, {}), json(503, {}), reset(), json(504, {}), json(200, [account])], noSleep, async (client, s) => {
    const list = await client.serviceAccounts.list();
    assert.equal(list.length, 1);
    assert.equal(s.requests.length, 6);
    assert.ok(s.requests.every((r) => r.headers["talend-version"] === "2021-03"));
  });
});

test("retries are bounded: the last error surfaces after maxAttempts", async () => {
  await withScriptedClient([json(503, { status: 503, message: "down" })], { retry: { maxAttempts: 3 }, ...noSleep }, async (client, s) => {
    await assert.rejects(client.serviceAccounts.list(), (e: TalendError) => e.status === 503 && /down/.test(e.message));
    assert.equal(s.requests.length, 3);
  });
});

test("Retry-After in seconds and as an HTTP date is honoured", async () => {
  const slept: number[] = [];
  const date = new Date(Date.now() + 3000).toUTCString();
  await withScriptedClient([json(429, {}, { "retry-after": "2" }), json(429, {}, { "retry-after": date }), json(200, [])], { rateLimits: false, sleep: async (ms) => void slept.push(ms) }, async (client) => {
    await client.serviceAccounts.list();
    assert.equal(slept[0], 2000);
    assert.ok(slept[1]! > 1000 && slept[1]! <= 3000, `date-based delay ${slept[1]}`);
  });
});

test("backoff without Retry-After grows exponentially with at most 25 % jitter", async () => {
  const slept: number[] = [];
  await withScriptedClient([json(503, {}), json(503, {}), json(503, {}), json(200, [])], { rateLimits: false, retry: { baseDelayMs: 100 }, sleep: async (ms) => void slept.push(ms) }, async (client) => {
    await client.serviceAccounts.list();
    assert.equal(slept.length, 3);
    slept.forEach((ms, i) => assert.ok(ms <= 100 * 2 ** i && ms >= 75 * 2 ** i, `delay ${i} = ${ms}`));
  });
});

test("a POST is never retried after a failure that may have been committed", async () => {
  for (const failure of [json(502, {}), reset(), json(500, {})]) {
    await withScriptedClient([failure, json(201, { ...account, secret: "s3cret-value" })], noSleep, async (client, s) => {
      await assert.rejects(client.serviceAccounts.create({ name: "ci", permissions: [] }), (e: TalendError) => e.kind === "ambiguous");
      assert.equal(s.requests.length, 1, "exactly one POST");
    });
  }
});

test("a POST rejected with 429 is retried (the server did not act on it)", async () => {
  await withScriptedClient([json(429, {}, { "retry-after": "0" }), json(201, { ...account, secret: "s3cret-value" })], noSleep, async (client, s) => {
    const created = await client.serviceAccounts.create({ name: "ci", permissions: [] });
    assert.equal(created.secret, "s3cret-value");
    assert.equal(s.requests.length, 2);
  });
});

test("responses are validated: missing required fields, HTML pages and truncated JSON are clear errors", async () => {
  const html = (_r: unknown, res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><body>Gateway</body></html>");
  };
  const truncated = (_r: unknown, res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('[{"id":"a","na');
  };
  for (const [handler, pattern] of [
    [json(200, [{ id: "x", permissions: [] }]), /0\.name/],
    [html, /non-JSON body/],
    [truncated, /non-JSON body/],
  ] as const) {
    await withScriptedClient([handler], noSleep, async (client) => {
      await assert.rejects(client.serviceAccounts.list(), (e: TalendError) => e.kind === "invalid-response" && pattern.test(e.message) && /GET \/account\/service-accounts/.test(e.message));
    });
  }
});

test("an enormous body is refused instead of buffered", async () => {
  const big = (_r: unknown, res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(`[${"0,".repeat(600_000)}0]`);
  };
  await withScriptedClient([big], { maxResponseBytes: 1024 * 1024, ...noSleep }, async (client) => {
    await assert.rejects(client.serviceAccounts.list(), /exceeds 1048576 bytes/);
  });
});

test("a hung connection times out with a clear error", async () => {
  await withScriptedClient([() => undefined], { timeouts: { headersMs: 300 }, retry: { maxAttempts: 2 }, ...noSleep }, async (client) => {
    await assert.rejects(client.serviceAccounts.list(), (e: TalendError) => e.kind === "timeout" && /timed out after 2 attempt/.test(e.message));
  });
});

test("path parameters cannot escape their segment", async () => {
  const client = new TalendClient({ endpoint: "http://127.0.0.1:9", credentials: { token: "pat-123456" } });
  await assert.rejects(client.serviceAccounts.get(".."), /invalid identifier/);
  await assert.rejects(client.serviceAccounts.get(""), /invalid identifier/);
  await assert.rejects(client.workspaces.list({ environmentId: "x;name==*" }), /invalid identifier/);
  await client.close();
});

test("the client-side rate limiter lets a minute's quota burst, then spaces requests at the sustained rate", async () => {
  let now = 0;
  const slept: number[] = [];
  const limiter = new RateLimiter({ account: 2 }, () => now, async (ms) => {
    slept.push(ms);
    now += ms;
  });
  await limiter.take("account");
  await limiter.take("account");
  assert.deepEqual(slept, [], "the burst goes through at once");
  await limiter.take("account");
  assert.equal(slept.length, 1);
  assert.ok(slept[0]! > 29_000 && slept[0]! <= 30_000, `waited ${slept[0]} ms for 2/minute`);
  await limiter.take("processing"); // no limit configured for this family
  assert.equal(slept.length, 1);
});

test("serverTime probes once with the caller's read when given one, else with the permission catalogue; later calls read the Date headers already seen", async () => {
  const talendNow = Date.parse("Wed, 01 Jan 2031 10:00:00 GMT");
  await withScriptedClient([json(200, [], { date: new Date(talendNow).toUTCString() })], { rateLimits: false }, async (plain, s) => {
    const probe: TalendClient = new TalendClient({ endpoint: s.url, credentials: { token: "pat" }, rateLimits: false, clockProbe: (): Promise<unknown> => probe.environments.list() });
    try {
      const [a, b] = await Promise.all([probe.serverTime(), probe.serverTime()]);
      assert.ok(a >= talendNow && a - talendNow < 5_000 && b >= talendNow, "Talend's time, not ours");
      await probe.serverTime();
      assert.deepEqual(s.requests.map((r) => r.url), ["/orchestration/environments"], "one probe, the caller's");
      await plain.serverTime();
      assert.equal(s.requests.at(-1)?.url, "/account/service-accounts/permissions");
    } finally {
      await probe.close();
    }
  });
});
