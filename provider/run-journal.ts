import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * What Pulumi cannot persist for us. The engine writes a resource to state only after `create` returns, so if
 * the process dies while a run is in flight, the next `up` calls `create` again with no id. Before posting,
 * `create` records its intent here (keyed by the run's fingerprint), then the execution id once known; the
 * retried `create` adopts that run instead of starting another. Entries are removed on delete. No secret is
 * written: only ids and timestamps.
 */
export interface JournalEntry {
  fingerprint: string;
  taskId: string;
  /** Epoch ms just before the POST was sent. */
  postedAt: number;
  executionId?: string;
}

export function journalDir(): string {
  return process.env.PULUMI_TALEND_RUN_JOURNAL ?? join(homedir(), ".pulumi-talend", "runs");
}

const file = (fingerprint: string) => join(journalDir(), `${fingerprint}.json`);

export async function readEntry(fingerprint: string): Promise<JournalEntry | undefined> {
  try {
    return JSON.parse(await readFile(file(fingerprint), "utf8")) as JournalEntry;
  } catch {
    return undefined;
  }
}

export async function writeEntry(entry: JournalEntry): Promise<void> {
  await mkdir(journalDir(), { recursive: true, mode: 0o700 });
  await writeFile(file(entry.fingerprint), JSON.stringify(entry), { mode: 0o600 });
}

export async function removeEntry(fingerprint: string): Promise<void> {
  await rm(file(fingerprint), { force: true });
}
