import type { TalendEmulator } from "../../emulator";
import type { Clock } from "../../sdk";

/**
 * A clock that moves only when told: `advance(ms)`, or `sleep(ms)`, which returns at once having moved time by
 * `ms`. Like `Date.now()`, `now()` reads whole milliseconds. Code that waits runs through its waits instantly and in order, with no real timer. Right for code that
 * waits on one thing at a time (concurrent sleepers would each move time by their own length). `slept` lists
 * every sleep, for asserting how code waited. `follow` is told every advance (the emulator's clock follows, so
 * Talend sees the time pass); past `limitMs` of advance in all, a sleep rejects: a wait that never ends fails
 * instead of spinning.
 */
export class FakeClock implements Clock {
  readonly slept: number[] = [];
  private advanced = 0;

  constructor(
    private time = 0,
    private readonly opts: { follow?: (ms: number) => void; limitMs?: number } = {},
  ) {}

  now(): number {
    return Math.floor(this.time);
  }

  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.advance(ms);
  }

  advance(ms: number): void {
    const step = Math.max(ms, 0);
    if (this.advanced + step > (this.opts.limitMs ?? Infinity)) throw new Error(`FakeClock: more than ${this.opts.limitMs} ms of waiting in all; a wait that never ends?`);
    this.advanced += step;
    const before = this.now();
    this.time += step;
    this.opts.follow?.(this.now() - before);
  }

  /** The sleeps from index `from` on (e.g. `clock.slept.length` read before the code under test ran). */
  sleptSince(from: number): number[] {
    return this.slept.slice(from);
  }
}

/**
 * The provider's clock in tests against the emulator: fake, `skewMs` off Talend's (a machine whose clock is
 * wrong: only Talend's Date headers tell the provider Talend's time), with the emulator's clock following it.
 */
export function clockFollowedBy(emulator: TalendEmulator, skewMs = 0, limitMs = 7 * 24 * 3_600_000): FakeClock {
  return new FakeClock(emulator.clock.now() + skewMs, { follow: (ms) => emulator.clock.advance(ms), limitMs });
}
