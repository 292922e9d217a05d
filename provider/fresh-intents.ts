/**
 * The intents this provider process created (their Talend time, `at`). A process lives for one CLI command.
 *
 * A run's create looks in the task's history for a run an earlier attempt started under the same request (its
 * apply killed after the POST). If this process created the request just now, no earlier attempt can have
 * posted for it: the engine records the request before it calls the run's create, so an earlier apply would
 * have left the request in state, and this process would not have created it again. The look is then skipped.
 *
 * Memory only, on purpose: after a crash the next process does not know the intent, so it looks, which is what
 * it must do. An intent read from state carries an `at` from an earlier process; that it equals one made here
 * would need both made within the same millisecond of Talend's time, across two applies.
 */
const fresh = new Set<number>();

/** Records an intent created by this process; returns `at` unchanged. */
export function noteFreshIntent(at: number): number {
  fresh.add(at);
  return at;
}

/** True when `at` is the time of an intent this process created. */
export function isFreshIntent(at: number | undefined): boolean {
  return at !== undefined && fresh.has(at);
}
