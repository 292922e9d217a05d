import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * What Pulumi cannot persist for us. The engine writes a resource to state only after `create` returns, so if
 * the process dies in between, the next `up` calls `create` again knowing nothing. Before a non-idempotent
 * POST, `create` records its intent here; the retried `create` reads it back:
 * - `runs`: a TaskExecution adopts the run it started (by execution id, or from the task's history);
 * - `service-accounts`: a ServiceAccount recognizes the account it created (whose one-time secret was lost
 *   with the process) by its creation time, deletes it and creates it again;
 * - `grants`: a WorkspacePermission takes over the grant it posted (409 on the retry) instead of failing.
 * Entries hold ids and timestamps only, never a secret. They outlive `create`: the engine writes its checkpoint
 * a moment after `create` returns, and a kill in between must still be recoverable. So an entry is removed by
 * the first later operation on the resource (diff, read, update, delete), which proves state holds it.
 */
export type JournalKind = "runs" | "service-accounts" | "grants";

export interface JournalEntry {
  /** Epoch ms just before the (first) POST was sent. */
  postedAt: number;
  taskId?: string;
  executionId?: string;
  /** The account created; kept until state is known to hold it. */
  accountId?: string;
}

/** Entries older than this are ignored: Talend keeps 60 days of run history, and intents go stale. */
const MAX_AGE_MS = 7 * 24 * 3600_000;

export function journalDir(): string {
  return process.env.PULUMI_TALEND_RUN_JOURNAL ?? join(homedir(), ".pulumi-talend", "runs");
}

export function journalKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

const file = (kind: JournalKind, key: string) => join(journalDir(), kind === "runs" ? "" : kind, `${key}.json`);

export async function readEntry(kind: JournalKind, key: string): Promise<JournalEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(file(kind, key), "utf8")) as JournalEntry;
    return Date.now() - entry.postedAt < MAX_AGE_MS ? entry : undefined;
  } catch {
    return undefined;
  }
}

export async function writeEntry(kind: JournalKind, key: string, entry: JournalEntry): Promise<void> {
  await mkdir(join(journalDir(), kind === "runs" ? "" : kind), { recursive: true, mode: 0o700 });
  await writeFile(file(kind, key), JSON.stringify(entry), { mode: 0o600 });
}

export async function removeEntry(kind: JournalKind, key: string): Promise<void> {
  await rm(file(kind, key), { force: true });
}
