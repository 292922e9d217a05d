import { createHash } from "node:crypto";
import { z } from "zod";
import { LOG_LEVELS } from "../sdk";

const positive = (what: string, max: number) => z.number({ error: `must be a number of ${what}` }).positive(`must be more than 0 ${what}`).max(max, `must be at most ${max} ${what}`);
const flag = z.boolean({ error: "must be true or false" });

/** One source of truth for TaskExecution inputs: the resource's Args type and `check` both derive from it. */
export const TaskExecutionInputsSchema = z
  .object({
    /** The task id (the `executable` of a task listing). Or give `task` + `workspace` + `environment`. */
    taskId: z.string().trim().regex(/^[A-Za-z0-9_-]+$/, "must be a task id as Talend returns it").optional(),
    /** Task name, looked up in `workspace` of `environment`. */
    task: z.string().trim().min(1, "must not be empty").optional(),
    /** Workspace name of `task`. */
    workspace: z.string().trim().min(1, "must not be empty").optional(),
    /** Environment name of `workspace`. */
    environment: z.string().trim().min(1, "must not be empty").optional(),
    /** Run as this service account (its clientId/clientSecret outputs). Without them, the provider's token runs it. */
    clientId: z.string().min(1, "must not be empty").optional(),
    /** The service account's secret (keep it a secret Output). */
    clientSecret: z.string().min(1, "must not be empty").optional(),
    /** Context-parameter overrides. Secret values stay secret in state, diffs and logs. */
    parameters: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "parameter names are letters, digits, '_', '.', '-'"), z.string({ error: "parameter values must be strings" })).default({}),
    /** Log level of the run. */
    logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).optional(),
    /** Talend-side timeout of the run, in minutes. */
    timeoutMinutes: z.number({ error: "must be a whole number of minutes" }).int("must be a whole number of minutes").min(1, "must be at least 1").max(10_080, "must be at most 10080 (7 days)").optional(),
    /** Any values: the task runs on create and again only when these change. */
    triggers: z.unknown().optional(),
    /** Also run again when the task, parameters, logLevel or timeoutMinutes change. */
    rerunOnChange: flag.default(false),
    /** Wait for the run to end; false returns as soon as it started. */
    waitForCompletion: flag.default(true),
    /** Give up waiting after this long (then cancel, with cancelOnTimeout) and fail. */
    waitTimeoutMinutes: positive("minutes", 10_080).default(60),
    /** Fail the update when the run fails (the run stays in state either way). */
    failOnError: flag.default(true),
    /** Cancel the run when waitTimeoutMinutes is exceeded. */
    cancelOnTimeout: flag.default(true),
    /** Cancel the run when the resource is destroyed (or replaced) while it is still going. */
    cancelOnDestroy: flag.default(true),
    /** First polling interval; it grows to 30 s on long runs. */
    pollIntervalSeconds: positive("seconds", 300).default(5),
    /** Internal: project/stack/name, set by the resource class; keys the run journal. */
    runKey: z.string().min(1),
  })
  .superRefine((v, ctx) => {
    const byName = v.task !== undefined || v.workspace !== undefined || v.environment !== undefined;
    if (v.taskId !== undefined && byName) ctx.addIssue({ code: "custom", path: ["taskId"], message: "give either taskId, or task + workspace + environment, not both" });
    else if (v.taskId === undefined) {
      const missing = (["task", "workspace", "environment"] as const).find((k) => v[k] === undefined);
      if (missing) ctx.addIssue({ code: "custom", path: [missing], message: "give taskId, or all of task, workspace and environment (names)" });
    }
    if ((v.clientId === undefined) !== (v.clientSecret === undefined))
      ctx.addIssue({ code: "custom", path: [v.clientId === undefined ? "clientId" : "clientSecret"], message: "give both clientId and clientSecret (a ServiceAccount's outputs), or neither to run with the provider's token" });
  });
export type TaskExecutionInputs = z.output<typeof TaskExecutionInputsSchema>;

/** Inputs whose change starts a new run: always `triggers`; the task and its settings only with rerunOnChange. */
export const RUN_KEYS = ["taskId", "task", "workspace", "environment", "parameters", "logLevel", "timeoutMinutes"] as const;

/** Inputs whose change starts a new run (a replacement): `triggers`, plus RUN_KEYS with rerunOnChange. */
export const TASK_EXECUTION_REPLACES = ["triggers"] as const;

export interface TaskExecutionOutputs extends TaskExecutionInputs {
  executionId: string;
  resolvedTaskId: string;
  /** Simplified Talend status: dispatching, executing, execution_successful, execution_failed, terminated, ... */
  status: string;
  /** Detailed Talend status, e.g. EXECUTION_SUCCESS. */
  executionStatus: string;
  startTimestamp?: string;
  finishTimestamp?: string;
  durationSeconds?: number;
  errorMessage?: string;
  /** "service-account:<id>" or "token". */
  runAs: string;
}

/** Identity of one requested run: what it runs and why (triggers), not how long we wait for it. */
export function runFingerprint(inputs: TaskExecutionInputs): string {
  const relevant = { key: inputs.runKey, triggers: inputs.triggers ?? null, ...Object.fromEntries(RUN_KEYS.map((k) => [k, inputs[k] ?? null])) };
  return createHash("sha256").update(JSON.stringify(relevant, Object.keys(relevant).sort())).digest("hex").slice(0, 32);
}
