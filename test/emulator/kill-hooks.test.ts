// The emulator's hooks for crash tests (test/reliability): a listener called the moment an answer has left,
// and answers held back after the change was made.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RequestRecord, type TalendEmulator, startEmulator } from "../../emulator";

let emu: TalendEmulator;
before(async () => (emu = await startEmulator()));
after(() => emu.close());

const ACCOUNTS = "/account/service-accounts";
const post = (name: string, signal?: AbortSignal) =>
  fetch(emu.url + ACCOUNTS, { method: "POST", headers: { authorization: "Bearer emulator-admin-pat", "content-type": "application/json" }, body: JSON.stringify({ name, permissions: [] }), signal });
const named = (name: string) => emu.state().serviceAccounts.some((a) => a.name === name);

test("onAnswered: called once per answered request, after its answer left, not for a reset; removable", async () => {
  const seen: RequestRecord[] = [];
  const stop = emu.onAnswered((r) => seen.push(r));
  assert.equal((await post("hooked-1")).status, 201);
  assert.deepEqual(seen.map((r) => [r.method, r.path, r.status]), [["POST", ACCOUNTS, 201]]);
  emu.faults.add({ method: "POST", path: ACCOUNTS, kind: "reset", times: 1 });
  await assert.rejects(post("hooked-reset"));
  assert.equal(seen.length, 1, "a reset connection got no answer");
  stop();
  assert.equal((await post("hooked-2")).status, 201);
  assert.equal(seen.length, 1, "removed");
});

test("fault 'held-answer': the change is made at once, the real answer leaves latencyMs later", async () => {
  emu.faults.add({ method: "POST", path: ACCOUNTS, kind: "held-answer", latencyMs: 400, times: 1 });
  const started = Date.now();
  const answer = post("held-1");
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(named("held-1"), "created before the answer");
  const response = await answer;
  assert.equal(response.status, 201);
  assert.equal(((await response.json()) as { name: string }).name, "held-1");
  assert.ok(Date.now() - started >= 400, "held for latencyMs");
  assert.equal(emu.requests().at(-1)?.fault, "held-answer");
});

test("fault 'held-answer': a client that goes away gets nothing, and the emulator stops waiting", async () => {
  emu.faults.add({ method: "POST", path: ACCOUNTS, kind: "held-answer", latencyMs: 600_000, times: 1 });
  const abort = new AbortController();
  const answer = post("held-2", abort.signal);
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(named("held-2"));
  abort.abort();
  await assert.rejects(answer);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(emu.requests().at(-1)?.status, 0, "no answer was given");
});
