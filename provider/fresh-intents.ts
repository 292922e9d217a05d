/**
 * The intents this provider process created (their ids). A process lives for one CLI command.
 *
 * A run's create looks in the task's history for a run an earlier attempt started under the same request (its
 * apply killed after the POST). If this process created the request just now, no earlier attempt can have
 * posted for it: the engine records the request before it calls the run's create, so an earlier apply would
 * have left the request in state, and this process would not have created it again. The look is then skipped.
 *
 * Memory only, on purpose: after a crash the next process does not know the intent, so it looks, which is what
 * it must do. Ids are random UUIDs: one read from state never matches one made here.
 */
const fresh = new Set<string>();

/** Records an intent created by this process. */
export function noteFreshIntent(id: string): void {
  fresh.add(id);
}

/** True when `id` is the id of an intent this process created. */
export function isFreshIntent(id: string | undefined): boolean {
  return id !== undefined && fresh.has(id);
}
