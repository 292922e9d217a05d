import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type Clock, type Execution, LOG_LEVELS, type TalendClient, createOnce, isFinished, isSuccessful, isTalendError, lookAgain, redact, registerSecret } from "../sdk";
import { isFreshIntent } from "./fresh-intents";
import { Intent, intentOptions } from "./intent";
import { checkTask, isFailure, nameChecked, nameError, readsFor } from "./name-checks";
import { missingRunPermissions, notAllowedToRun } from "./run-diagnosis";
import type { Context } from "./context";
import { DynamicResource } from "./shim";
import type { ArgsOf } from "./types";
import { changedKeys, checkInputs, containsUnknown, partialFailure } from "./validation";

const positive = (what: string, max: number) => z.number({ error: `must be a number of ${what}` }).positive(`must be more than 0 ${what}`).max(max, `must be at most ${max} ${what}`);
const flag = z.boolean({ error: "must be true or false" });

/** One source of truth for TaskExecution inputs: the resource's Args type and `check` both derive from it. */
export const TaskExecutionInputsSchema = z.object({
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
  /** Fail the update when the run fails, and keep failing later updates until it is run again (the run stays in state either way). */
  failOnError: flag.default(true),
  /** Cancel the run when waitTimeoutMinutes is exceeded. */
  cancelOnTimeout: flag.default(true),
  /** Cancel the run when the resource is destroyed (or replaced) while it is still going. */
  cancelOnDestroy: flag.default(true),
  /** First polling interval; on long runs it grows to ten times this, at most 30 s. */
  pollIntervalSeconds: positive("seconds", 300).default(5),
  /** Internal: Talend's time when this run was requested (see intent.ts). */
  intentAt: z.number().optional(),
  /** Internal: the id of the run's request; a new one is a new run. */
  intentId: z.string().optional(),
  /** Internal: the URN to `pulumi up --replace` for running again. */
  intentUrn: z.string().optional(),
});
export type TaskExecutionInputs = z.output<typeof TaskExecutionInputsSchema>;

function taskRules(v: Partial<TaskExecutionInputs>, ctx: z.RefinementCtx): void {
  const byName = v.task !== undefined || v.workspace !== undefined || v.environment !== undefined;
  if (v.taskId !== undefined && byName) ctx.addIssue({ code: "custom", path: ["taskId"], message: "give either taskId, or task + workspace + environment, not both" });
  else if (v.taskId === undefined) {
    const missing = (["task", "workspace", "environment"] as const).find((k) => v[k] === undefined);
    if (missing) ctx.addIssue({ code: "custom", path: [missing], message: "give taskId, or all of task, workspace and environment (names)" });
  }
  if ((v.clientId === undefined) !== (v.clientSecret === undefined))
    ctx.addIssue({ code: "custom", path: [v.clientId === undefined ? "clientId" : "clientSecret"], message: "give both clientId and clientSecret (a ServiceAccount's outputs), or neither to run with the provider's token" });
}

/** Inputs whose change starts a new run with rerunOnChange: the task and how it runs. */
export const RUN_KEYS = ["taskId", "task", "workspace", "environment", "parameters", "logLevel", "timeoutMinutes"] as const;

/** Inputs whose change always starts a new run (a replacement). */
export const TASK_EXECUTION_REPLACES = ["triggers"] as const;

/** Settings that update in place: they change how a run is waited for, never whether it runs. */
const SETTINGS = ["clientId", "waitForCompletion", "waitTimeoutMinutes", "failOnError", "cancelOnTimeout", "cancelOnDestroy", "pollIntervalSeconds", "rerunOnChange", ...RUN_KEYS] as const;

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

export type TaskExecutionArgs = ArgsOf<Omit<z.input<typeof TaskExecutionInputsSchema>, "intentAt" | "intentId" | "intentUrn" | "triggers">> & {
  /** Any values: the task runs on create and again only when these change. */
  triggers?: pulumi.Input<unknown>;
};

/**
 * Runs a Talend task on `pulumi up`: exactly once on create, again only when `triggers` change (or, with
 * `rerunOnChange`, when the task or its parameters change). Never during preview. Waits for the run by
 * default; a failed run fails this and every later update, without running again, until it is re-requested.
 */
export class TaskExecution extends DynamicResource {
  /** The run's id in Talend (also the resource id). */
  declare readonly executionId: pulumi.Output<string>;
  /** The task that ran, resolved from its name when given by name. */
  declare readonly resolvedTaskId: pulumi.Output<string>;
  /** Simplified status: dispatching, executing, execution_successful, execution_failed, terminated, ... */
  declare readonly status: pulumi.Output<string>;
  /** Detailed status, e.g. EXECUTION_SUCCESS. */
  declare readonly executionStatus: pulumi.Output<string>;
  /** When the run started (Talend's time). */
  declare readonly startTimestamp: pulumi.Output<string | undefined>;
  /** When the run finished (Talend's time). */
  declare readonly finishTimestamp: pulumi.Output<string | undefined>;
  /** From start to finish, in seconds. */
  declare readonly durationSeconds: pulumi.Output<number | undefined>;
  /** Talend's error message for a failed run (redacted). */
  declare readonly errorMessage: pulumi.Output<string | undefined>;
  /** "service-account:<id>" or "token". */
  declare readonly runAs: pulumi.Output<string>;
  /** The resource that requests this run: `pulumi up --replace` it to run the task again. */
  readonly request: Intent;

  constructor(name: string, args: TaskExecutionArgs, opts?: pulumi.CustomResourceOptions) {
    const request = new Intent("TaskExecution", name, { key: taskExecutionRequestKey(args) }, intentOptions("TaskExecution", opts, { dependsOn: opts?.dependsOn }));
    super("TaskExecution", name, taskExecutionProps(args, request), { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret"] });
    this.request = request;
  }
}

// The run's part of a program, shared by this class and the provider plugin's TaskExecution component.

/** The run's request is replaced exactly when a new run is due, and recorded in state before the run starts. */
export function taskExecutionRequestKey(args: TaskExecutionArgs): pulumi.Output<string> {
  const rerun = pulumi.output(args.rerunOnChange).apply((on) => (on ? RUN_KEYS.map((k) => args[k]) : []));
  return pulumi.all([args.triggers, rerun]).apply((values) => JSON.stringify(values));
}

/** The run resource's properties: the args, its request (time, id, URN), and the outputs to fill. */
export function taskExecutionProps(args: TaskExecutionArgs, request: { recordedAt: pulumi.Input<number>; id: pulumi.Input<string>; urn: pulumi.Input<string> }): pulumi.Inputs {
  const outputs = { executionId: undefined, resolvedTaskId: undefined, status: undefined, executionStatus: undefined, startTimestamp: undefined, finishTimestamp: undefined, durationSeconds: undefined, errorMessage: undefined, runAs: undefined };
  return { ...outputs, ...args, intentAt: request.recordedAt, intentId: request.id, intentUrn: request.urn };
}

/**
 * Whether the run's request is a new one (a new run is due). Its id decides: unknown in preview exactly when the
 * request is being replaced, and unchanged when the request is only updated in place (as the upgrade to 0.2.0 does).
 * State written before 0.2.0 has no id: there the request's time decides, once it is known.
 */
function isNewRequest(olds: Partial<TaskExecutionInputs>, news: Partial<TaskExecutionInputs>): boolean {
  if (containsUnknown(news.intentId)) return true;
  if (olds.intentId !== undefined) return olds.intentId !== news.intentId;
  return !containsUnknown(news.intentAt) && changedKeys(olds, news, ["intentAt"]).length > 0;
}

/** A progress line at least this often (of the run's time, Talend's) while a run is waited for. */
const PROGRESS_EVERY_MS = 30_000;

/**
 * Runs a Talend task exactly once per request. `create` starts (or, after an apply died, finds) the run and
 * waits for it; `update` never starts anything: it resumes waiting for a run still going, and reports a failed
 * run again; `delete` cancels a run still going. Nothing runs during preview: the engine calls only check and
 * diff then.
 */
export function taskExecutionProvider(ctx: () => Context): pulumi.dynamic.ResourceProvider<TaskExecutionInputs, TaskExecutionOutputs> {
  return {
    async check(olds, news) {
      return nameChecked(ctx, olds, checkInputs(TaskExecutionInputsSchema, taskRules, news, "TaskExecution"), "TaskExecution");
    },

    async diff(_id, olds, news) {
      const replaces = changedKeys(olds, news, news.rerunOnChange ? [...TASK_EXECUTION_REPLACES, ...RUN_KEYS] : TASK_EXECUTION_REPLACES);
      // A new request is a new run (`pulumi up --replace` of the request). State from 0.1.0 has none yet: the
      // first update records it, and the run it holds stays.
      const legacy = olds.intentAt === undefined;
      if (!legacy && isNewRequest(olds, news)) replaces.push("intentId");
      // The secret is not compared: it is unknown in preview whenever its account is updated, and it cannot
      // change without clientId changing (a new secret means a new account).
      // A failed run recorded in state is reported by every up (update fails again), also after a refresh has
      // cleared the engine's record of the failed update.
      const failed = failureOf(olds.status, olds.executionStatus, news) !== undefined;
      const changes = legacy || failed || replaces.length > 0 || changedKeys(olds, news, SETTINGS).length > 0;
      return { changes, replaces };
    },

    async create(inputs) {
      const c = ctx();
      const clock = c.clock;
      for (const value of Object.values(inputs.parameters)) registerSecret(value);
      const task = await resolveTask(c, inputs);
      const runner = runnerFor(c, inputs);
      // The request's time as is, with no margin: it is already a lower bound (a Date header is truncated to the
      // second), and a wider margin could take the previous run of the same task for this one.
      const notBefore = inputs.intentAt ?? (await c.client.serverTime());
      // Runs of this task by this principal since the request: a run an earlier attempt started (its answer
      // lost, or its apply dead). The provider's token reads the history, so no run token is minted for it.
      const ours = () => findRunSince(c.client, task.id, notBefore, inputs.clientId);
      const executionId = await createOnce<string>({
        what: `TaskExecution: starting task ${task.label}`,
        // A request this process created just now has no earlier attempt to find (see fresh-intents.ts).
        resume: isFreshIntent(inputs.intentId) ? undefined : ours,
        post: async () => {
          if (inputs.clientId) {
            // Tokens snapshot permissions at mint time: run with one minted now, after every grant.
            runner.markPermissionsChanged(inputs.clientId);
            await firstToken(runner, clock);
          }
          try {
            const started = await runner.executions.start({ executable: task.id, parameters: Object.keys(inputs.parameters).length ? inputs.parameters : undefined, logLevel: inputs.logLevel, timeout: inputs.timeoutMinutes });
            return started.executionId;
          } catch (e) {
            if (!isTalendError(e, 403)) throw e;
            // Refused, so nothing started: only now read what the account lacks (see run-diagnosis.ts).
            throw notAllowedToRun(task.label, inputs.clientId ? await missingRunPermissions(c, inputs.clientId, task.workspace) : []);
          }
        },
        reconcile: async () => {
          const found = await lookAgain(ours, clock);
          return found ? { adopt: found } : { retry: true };
        },
        clock,
      });
      const base = { ...inputs, resolvedTaskId: task.id, runAs: inputs.clientId ? `service-account:${inputs.clientId}` : "token" };
      return settle(c, runner, executionId, base, task.label, false);
    },

    async read(id, props) {
      try {
        return { id, props: { ...props!, ...fromExecution(await runnerFor(ctx(), props!).executions.get(id)) } };
      } catch (e) {
        // Talend keeps 60 days of history; a run it forgot is still a run that happened. Never rerun for that.
        if (isTalendError(e, 404)) return { id, props };
        throw e;
      }
    },

    async update(id, olds, news) {
      // Settings changed, or the last update left this run failed or unfinished: nothing is started here. A run
      // still going is waited for again; a failed one is reported again until it is re-requested.
      const c = ctx();
      const recorded = { ...olds, ...news };
      return settle(c, runnerFor(c, recorded), id, recorded, `"${news.task ?? olds.resolvedTaskId}"`, true);
    },

    async delete(id, props) {
      if (!props.cancelOnDestroy || !props.status || isFinished(props.status)) return;
      const runner = runnerFor(ctx(), props);
      try {
        const current = await runner.executions.get(id);
        if (!isFinished(current.status)) await runner.executions.cancel(id);
      } catch (e) {
        if (!isTalendError(e, 404) && !isTalendError(e, 400)) throw e;
      }
    },
  };
}

/**
 * Waits for the run when asked, then records its outcome. A failed, timed-out or cancelled run fails the
 * update and stays in state (an init error): the engine calls `update` on the next `up`, which lands here
 * again and fails again, so a retried pipeline cannot turn green over it.
 */
async function settle(ctx: Context, runner: TalendClient, executionId: string, base: TaskExecutionInputs & Partial<TaskExecutionOutputs>, label: string, again: boolean) {
  let execution: Execution | undefined;
  try {
    execution = await runner.executions.get(executionId);
  } catch (e) {
    if (!again || !isTalendError(e, 404)) throw e;
  }
  let timedOut: string | undefined;
  if (execution && base.waitForCompletion && !isFinished(execution.status)) ({ execution, timedOut } = await waitFor(ctx, runner, execution, base));
  const outs = { ...base, ...(execution ? fromExecution(execution) : {}) } as TaskExecutionOutputs;
  const problem = timedOut ?? failureOf(outs.status, outs.executionStatus, base);
  if (problem) {
    const message = await describeFailure(ctx, runner, outs, label, problem, again);
    throw partialFailure(message, executionId, outs as unknown as Record<string, unknown>);
  }
  return { id: executionId, outs };
}

interface ResolvedTask {
  id: string;
  workspace: { id: string; name?: string };
  label: string;
}

async function resolveTask(ctx: Context, inputs: TaskExecutionInputs): Promise<ResolvedTask> {
  if (inputs.taskId) {
    const task = await ctx.client.tasks.get(inputs.taskId);
    return { id: task.id, workspace: { id: task.workspace?.id ?? "", name: task.workspace?.name }, label: `"${task.name}" [${task.id}]` };
  }
  // The check's reads (one cache per process): the names it just looked up cost no second round of requests.
  const found = await checkTask(readsFor(ctx), inputs.task as string, inputs.workspace as string, inputs.environment as string, "TaskExecution");
  if (isFailure(found)) throw nameError(found);
  const { task, workspace: ws } = found;
  return { id: task.executable, workspace: { id: ws.id, name: ws.name }, label: `"${task.name}" in ${ws.name} (${ws.environment.name})` };
}

function runnerFor(ctx: Context, props: Pick<TaskExecutionInputs, "clientId" | "clientSecret">): TalendClient {
  return props.clientId && props.clientSecret ? ctx.client.asServiceAccount(props.clientId, props.clientSecret) : ctx.client;
}

/** A new account's credentials may take a moment to be accepted (Talend is eventually consistent). */
async function firstToken(runner: TalendClient, clock: Clock): Promise<void> {
  for (const delay of [250, 500, 1000, 2000, 4000, 0]) {
    try {
      await runner.accessToken();
      return;
    } catch (e) {
      if (!delay || !isTalendError(e, 401)) throw e;
      await clock.sleep(delay);
    }
  }
}

/** The earliest run of the task since `since` (Talend's time), triggered by `principal` when one is given. */
async function findRunSince(client: TalendClient, taskId: string, since: number, principal?: string): Promise<string | undefined> {
  const page = await client.executions.history(taskId, { from: since });
  const ours = page.items
    .filter((run) => Date.parse(run.triggerTimestamp) >= since && (!principal || run.userId === principal))
    .sort((a, b) => Date.parse(a.triggerTimestamp) - Date.parse(b.triggerTimestamp));
  return ours[0]?.executionId;
}

/**
 * Polls with growing intervals until the run ends, or the wait times out (then cancels when asked).
 *
 * One clock, the context's, runs it all. The deadline and the sleeps are ours: waitTimeoutMinutes is how long
 * this process waits. Progress is about the run, whose times are Talend's (its trigger timestamp; "executing for
 * 2m30s"; a line every 30 s of the run): it reads `serverTime()`, which is the same clock shifted by the offset
 * Talend's Date headers show. A machine whose clock is off still shows the run's true duration, and where
 * Talend's clock runs ahead of ours (an emulator driven faster, as the e2e tests do) the lines keep its pace.
 */
async function waitFor(ctx: Context, runner: TalendClient, first: Execution, inputs: TaskExecutionInputs): Promise<{ execution: Execution; timedOut?: string }> {
  const { clock } = ctx;
  const deadline = clock.now() + inputs.waitTimeoutMinutes * 60_000;
  const progress = progressReporter(ctx, inputs, first);
  let execution = first;
  let interval = inputs.pollIntervalSeconds * 1000;
  while (!isFinished(execution.status)) {
    await progress(execution);
    if (clock.now() >= deadline) {
      const timedOut = `timed out waiting: still ${execution.status} after waitTimeoutMinutes=${inputs.waitTimeoutMinutes}; ${inputs.cancelOnTimeout ? "cancelled" : "left running (cancelOnTimeout=false)"}`;
      if (inputs.cancelOnTimeout) {
        await runner.executions.cancel(execution.executionId).catch(() => undefined);
        execution = await runner.executions.get(execution.executionId).catch(() => execution);
      }
      return { execution, timedOut };
    }
    await clock.sleep(Math.min(interval, Math.max(deadline - clock.now(), 0)));
    // Grows by half each time, up to ten times the first interval and never past 30 s.
    interval = Math.min(interval * 1.5, inputs.pollIntervalSeconds * 10_000, 30_000);
    execution = await runner.executions.get(execution.executionId);
  }
  await progress(execution);
  return { execution };
}

/**
 * Prints a line on every status change, and often enough that 30 s of the run's time never pass without one:
 * "talend: TaskExecution seed: executing for 2m30s". Lines go to the provider's stderr, which the engine shows
 * in `pulumi up` output (attributed to the stack, hence the resource name in the line).
 */
function progressReporter(ctx: Context, inputs: TaskExecutionInputs, first: Execution): (e: Execution) => Promise<void> {
  const name = inputs.intentUrn?.split("::").pop() ?? inputs.task ?? inputs.taskId;
  const since = Date.parse(first.triggerTimestamp ?? first.startTimestamp ?? "") || undefined;
  let lastStatus: string | undefined;
  let lastLineAt = -Infinity;
  let lastPollAt: number | undefined;
  return async (e) => {
    const now = await ctx.client.serverTime();
    // The next poll comes after a longer wait than the last one (intervals grow by half).
    const nextGap = lastPollAt === undefined ? 0 : (now - lastPollAt) * 1.5;
    lastPollAt = now;
    if (e.status === lastStatus && now - lastLineAt + nextGap <= PROGRESS_EVERY_MS) return;
    lastStatus = e.status;
    lastLineAt = now;
    const elapsed = since === undefined ? "" : ` for ${formatDuration(now - since)}`;
    process.stderr.write(`talend: TaskExecution ${name}: ${e.status}${elapsed} (execution ${e.executionId})\n`);
  };
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** What is wrong with a finished run, or undefined when it is fine (or failures are accepted). */
function failureOf(status: string | undefined, executionStatus: string | undefined, inputs: TaskExecutionInputs): string | undefined {
  if (!status || !isFinished(status) || isSuccessful(status) || !inputs.failOnError) return undefined;
  return `ended ${status} (${executionStatus})`;
}

async function describeFailure(ctx: Context, runner: TalendClient, outs: TaskExecutionOutputs, task: string, problem: string, again: boolean): Promise<string> {
  let tail: string[] = [];
  for (const client of [runner, ctx.client]) {
    try {
      tail = (await client.executionLogs.tail(outs.executionId, 15)).map((l) => `    ${l.severity ?? ""} ${l.logMessage}`.trimEnd());
      break;
    } catch {
      // logs are a courtesy: try the provider's token, then give up
    }
  }
  const rerun = outs.intentUrn ? `change \`triggers\`, or run: pulumi up --replace '${outs.intentUrn}'` : "change `triggers`";
  const lines = [
    `TaskExecution: task ${task} ${problem}${again ? " (recorded by an earlier update; the task was not run again)" : ""}.`,
    `  execution id: ${outs.executionId}`,
    `  status: ${outs.status} / ${outs.executionStatus}`,
    outs.errorMessage ? `  error: ${outs.errorMessage}` : undefined,
    tail.length ? `  last log lines:\n${tail.join("\n")}` : undefined,
    `  console: Talend Management Console > Operations > Run history, execution ${outs.executionId}`,
    `  Every \`pulumi up\` reports this failure without running the task again. To run it again: ${rerun}. To accept the failure: set failOnError: false.`,
  ];
  return redact(lines.filter(Boolean).join("\n"));
}

function fromExecution(e: Execution) {
  const start = e.startTimestamp ? Date.parse(e.startTimestamp) : undefined;
  const finish = e.finishTimestamp ? Date.parse(e.finishTimestamp) : undefined;
  return {
    executionId: e.executionId,
    status: e.status,
    executionStatus: e.executionStatus,
    startTimestamp: e.startTimestamp,
    finishTimestamp: e.finishTimestamp,
    durationSeconds: start !== undefined && finish !== undefined ? Math.round((finish - start) / 100) / 10 : undefined,
    errorMessage: e.errorMessage ? redact(e.errorMessage) : undefined,
  };
}
