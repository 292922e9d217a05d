import { z } from "zod";
import type { TalendClient } from "./client";
import { path } from "./paths";

export const LogEntrySchema = z.object({
  severity: z.string().optional(),
  logType: z.string().optional(),
  logTimestamp: z.union([z.string(), z.number()]).optional(),
  logMessage: z.string(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const LogPageSchema = z.object({
  size: z.number().optional(),
  totalSize: z.number().optional(),
  data: z.array(LogEntrySchema),
  nextIndex: z.number().nullish(),
});

export class ExecutionLogsApi {
  constructor(private readonly client: TalendClient) {}

  async page(executionId: string, opts: { count?: number; startIndex?: number; order?: "ASC" | "DESC" } = {}) {
    return this.client.request({ method: "GET", path: path`/monitoring/executions/${executionId}/logs`, query: { count: 200, ...opts } }, LogPageSchema);
  }

  /** The last `n` log messages, oldest first. */
  async tail(executionId: string, n = 20): Promise<LogEntry[]> {
    const page = await this.page(executionId, { count: Math.min(Math.max(n, 1), 200), order: "DESC" });
    return page.data.slice(0, n).reverse();
  }
}
