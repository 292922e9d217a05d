import { type Clock, systemClock } from "./clock";
import { TalendError, isTalendError, mayHaveTakenEffect } from "./errors";

/**
 * The one path for creating something through a POST that Talend cannot deduplicate (the API has no
 * idempotency key). The caller has recorded its intent before calling (see provider/intent.ts): that is what
 * makes an object found later recognisable as its own. Then:
 *
 *   resume? ─ found ──────────────────────────────► adopt
 *      │ nothing
 *   POST ─ answer ────────────────────────────────► done
 *      │ lost answer (may have landed) / 409
 *   reconcile: look at what Talend shows ─ ours ──► adopt
 *      │ cleared away / nothing there              ─ not ours ─► fail
 *   POST again (bounded)
 */
export type Reconciled<T> = { adopt: T } | { retry: true } | { fail: unknown };

export interface CreateOnce<T> {
  /** What Talend already shows of an earlier attempt whose answer died with its process. */
  resume?: () => Promise<T | undefined>;
  post: () => Promise<T>;
  /** Called after an answer that may hide a success ("lost") or after a 409 ("conflict"). */
  reconcile: (why: "lost" | "conflict", error: TalendError) => Promise<Reconciled<T>>;
  /** What failed, for the error when every attempt's answer was lost. */
  what: string;
  attempts?: number;
  clock?: Clock;
}

export async function createOnce<T>(steps: CreateOnce<T>): Promise<T> {
  const clock = steps.clock ?? systemClock;
  const resumed = await steps.resume?.();
  if (resumed !== undefined) return resumed;
  // Each retry follows a look that found nothing of the last attempt, so it is safe; only its count is bounded.
  const attempts = steps.attempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await steps.post();
    } catch (e) {
      const why = isTalendError(e, 409) ? "conflict" : mayHaveTakenEffect(e) ? "lost" : undefined;
      if (!why) throw e;
      const verdict = await steps.reconcile(why, e as TalendError);
      if ("adopt" in verdict) return verdict.adopt;
      if ("fail" in verdict) throw verdict.fail;
      await clock.sleep(250 * attempt);
    }
  }
  throw new TalendError({
    kind: "ambiguous",
    message: `${steps.what}: the answer was lost ${attempts} times, and Talend shows nothing of it`,
    hint: "check connectivity to the Talend API and try again",
  });
}

/** Looks a few times: Talend's lists may lag a write by a moment. */
export async function lookAgain<T>(find: () => Promise<T | undefined>, clock: Clock = systemClock, delaysMs: readonly number[] = [0, 500, 1500]): Promise<T | undefined> {
  for (const delay of delaysMs) {
    if (delay) await clock.sleep(delay);
    const found = await find();
    if (found !== undefined) return found;
  }
  return undefined;
}
