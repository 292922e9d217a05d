import assert from "node:assert/strict";
import { test } from "node:test";
import { startEmulator } from "../../emulator";
import { Context } from "../../provider/context";
import { ExpiringCache } from "../../provider/expiring-cache";
import { FakeClock } from "../helpers/fake-clock";

/** A load that counts its calls and settles as told. */
function loader(outcome: (n: number) => Promise<string> = async (n) => `v${n}`) {
  const calls: boolean[] = [];
  const load = (replacesFailure: boolean) => {
    calls.push(replacesFailure);
    return outcome(calls.length);
  };
  return { load, calls };
}

test("a value is shared for its time to live, the last millisecond included, then loaded again", async () => {
  const clock = new FakeClock(1_000);
  const cache = new ExpiringCache(clock, { successMs: 60_000 });
  const { load, calls } = loader();
  assert.equal(await cache.get("k", load), "v1");
  clock.advance(60_000);
  assert.equal(await cache.get("k", load), "v1");
  assert.equal(await cache.get("other", load), "v2", "per key");
  clock.advance(1);
  assert.equal(await cache.get("k", load), "v3");
  assert.deepEqual(calls, [false, false, false]);
});

test("callers while a load is in flight share it", async () => {
  const cache = new ExpiringCache(new FakeClock(), { successMs: 10 });
  let release!: (v: string) => void;
  const { load, calls } = loader(() => new Promise((r) => (release = r)));
  const both = Promise.all([cache.get("k", load), cache.get("k", load)]);
  release("once");
  assert.deepEqual(await both, ["once", "once"]);
  assert.equal(calls.length, 1);
});

test("a failure is dropped at once: the next call, even in the same millisecond, loads again", async () => {
  const cache = new ExpiringCache(new FakeClock(), { successMs: 60_000 });
  const { load, calls } = loader(async (n) => (n === 1 ? Promise.reject(new Error("down")) : "up"));
  await assert.rejects(cache.get("k", load), /down/);
  assert.equal(await cache.get("k", load), "up");
  assert.deepEqual(calls, [false, false]);
});

test("with failureMs, a failure is kept that long after it failed; the next load knows it replaces a failure", async () => {
  const clock = new FakeClock();
  const cache = new ExpiringCache(clock, { successMs: 60_000, failureMs: 10_000 });
  let fail!: (e: Error) => void;
  const { load, calls } = loader(async (n) => (n === 1 ? new Promise<string>((_, reject) => (fail = reject)) : "found"));
  const first = cache.get("k", load);
  clock.advance(30_000); // the load takes 30 s; the failure is kept 10 s from when it failed, not from the start
  fail(new Error("no such name"));
  await assert.rejects(first, /no such name/);
  clock.advance(10_000);
  await assert.rejects(cache.get("k", load), /no such name/, "the same failure, no new load");
  clock.advance(1);
  assert.equal(await cache.get("k", load), "found");
  assert.deepEqual(calls, [false, true]);
  clock.advance(60_001);
  await cache.get("k", load);
  assert.deepEqual(calls, [false, true, false], "an expired success is no failure");
});

test("a late failure of a replaced load leaves the newer value alone", async () => {
  const clock = new FakeClock();
  const cache = new ExpiringCache(clock, { successMs: 100 });
  let fail!: (e: Error) => void;
  const { load, calls } = loader(async (n) => (n === 1 ? new Promise<string>((_, reject) => (fail = reject)) : `v${n}`));
  const stale = cache.get("k", load);
  clock.advance(101);
  assert.equal(await cache.get("k", load), "v2");
  fail(new Error("late"));
  await assert.rejects(stale);
  assert.equal(await cache.get("k", load), "v2");
  assert.equal(calls.length, 2);
});

test("the provider context's catalogue is cached a minute of the context's clock", async () => {
  const emu = await startEmulator({ port: 0 });
  const clock = new FakeClock(Date.parse("2001-01-01T00:00:00Z"));
  const ctx = new Context({ baseUrl: emu.url, token: "emulator-admin-pat" }, clock);
  const reads = () => emu.requests().filter((r) => r.path === "/account/service-accounts/permissions").length;
  try {
    await ctx.permissionCatalog();
    clock.advance(60_000);
    await ctx.permissionCatalog();
    assert.equal(reads(), 1);
    clock.advance(1);
    await ctx.permissionCatalog();
    assert.equal(reads(), 2);
    assert.equal(ctx.client.clock, clock, "the client, and the SDK under it, run on the context's clock");
  } finally {
    await ctx.client.close();
    await emu.close();
  }
});
