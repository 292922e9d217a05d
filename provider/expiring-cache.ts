import type { Clock } from "../sdk";

/**
 * Promises memoized by key for a while on a clock: calls within `successMs` of a load share its promise, and so
 * its one round of requests and its one outcome. A rejected load is forgotten at once, so that the next call
 * asks again — or, with `failureMs`, kept that long after it failed (one evaluation of a program sees one
 * error, not one per call). Memory only, for one process: nothing here outlives a CLI command.
 */
export class ExpiringCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; expiresAt: number; failed?: boolean }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttl: { successMs: number; failureMs?: number },
  ) {}

  /** The cached promise of `key`, or a new one from `load`, told whether the entry it replaces had failed. */
  get<T>(key: string, load: (replacesFailure: boolean) => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && now <= hit.expiresAt) return hit.value as Promise<T>;
    const value = load(hit?.failed === true);
    const entry = { value, expiresAt: now + this.ttl.successMs };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) !== entry) return;
      if (this.ttl.failureMs === undefined) this.entries.delete(key);
      else Object.assign(entry, { expiresAt: this.clock.now() + this.ttl.failureMs, failed: true });
    });
    return value;
  }
}
