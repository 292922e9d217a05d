/**
 * Time as the SDK and the provider see it: the only place in sdk/ and provider/ that reads the current time or
 * starts a timer (test/sdk/clock.test.ts fails on any other). Everything that waits, expires or measures takes
 * a Clock, so that tests inject a fake one and waits take no real time.
 */
export interface Clock {
  /** Epoch milliseconds on this machine's clock (Talend's differs: see TalendClient.serverTime). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
