import { z } from "zod";
import type { TalendClient } from "./client";
import { pageOf } from "./pagination";
import { path } from "./paths";

export const LOG_LEVELS = ["OFF", "ERROR", "WARN", "INFO"] as const;

/** Body of POST /processing/executions. There is no idempotency key in this API. */
export const StartExecutionSchema = z.object({
  executable: z.string().min(1),
  parameters: z.record(z.string(), z.string()).optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  timeout: z.number().int().min(1).optional(),
});
export type StartExecution = z.infer<typeof StartExecutionSchema>;

export const ExecutionIdSchema = z.object({ executionId: z.string().min(1) });

/** Simplified lifecycle: only these two are not final. */
export const RUNNING_STATUSES = ["dispatching", "executing"] as const;
/**
 * `execution_rejected` (EXECUTION_REJECTED) is a run that finished but rejected some input rows: the job ran to
 * its end, so it counts as a success (as existing integrations' polling rules allow, e.g. Dagster's); the rows
 * it rejected are a data matter, visible in the run's logs and `numberOfRejectedRows`, not a failed run.
 */
export const SUCCESS_STATUSES = ["execution_successful", "execution_rejected"] as const;

export function isFinished(status: string): boolean {
  return !(RUNNING_STATUSES as readonly string[]).includes(status);
}
export function isSuccessful(status: string): boolean {
  return (SUCCESS_STATUSES as readonly string[]).includes(status);
}

/** GET /processing/executions/{id}. Status fields are strings, not enums, so a new Talend status is not a crash. */
export const ExecutionSchema = z.object({
  executionId: z.string(),
  jobId: z.string(),
  workspaceId: z.string().optional(),
  userId: z.string().optional(),
  userType: z.string().optional(),
  status: z.string(),
  executionStatus: z.string(),
  triggerTimestamp: z.string().optional(),
  startTimestamp: z.string().optional(),
  finishTimestamp: z.string().optional(),
  errorMessage: z.string().optional(),
  errorType: z.string().optional(),
  timeout: z.number().optional(),
});
export type Execution = z.infer<typeof ExecutionSchema>;

/** An entry of a task's execution history. */
export const ExecutionHistoryEntrySchema = z.object({
  executionId: z.string(),
  taskId: z.string(),
  userId: z.string(),
  userType: z.string().optional(),
  status: z.string(),
  executionStatus: z.string(),
  triggerTimestamp: z.string(),
  startTimestamp: z.string().optional(),
  finishTimestamp: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type ExecutionHistoryEntry = z.infer<typeof ExecutionHistoryEntrySchema>;

export class ExecutionsApi {
  constructor(private readonly client: TalendClient) {}

  /** Starts a task run. A POST without idempotency key: never retried blindly (see TaskExecution's reconcile). */
  async start(body: StartExecution): Promise<z.infer<typeof ExecutionIdSchema>> {
    return this.client.request({ method: "POST", path: "/processing/executions", body: StartExecutionSchema.parse(body) }, ExecutionIdSchema);
  }

  async get(executionId: string): Promise<Execution> {
    return this.client.request({ method: "GET", path: path`/processing/executions/${executionId}` }, ExecutionSchema);
  }

  /** Terminates a running execution (204). */
  async cancel(executionId: string): Promise<undefined> {
    return this.client.request({ method: "DELETE", path: path`/processing/executions/${executionId}` });
  }

  /** One page of a task's runs, newest first; `from` is epoch ms (the API keeps 60 days). */
  async history(taskId: string, filter: { from?: number; to?: number; limit?: number; offset?: number } = {}) {
    return this.client.request(
      { method: "GET", path: path`/processing/executables/tasks/${taskId}/executions`, query: { limit: 100, ...filter } },
      pageOf(ExecutionHistoryEntrySchema),
    );
  }
}
