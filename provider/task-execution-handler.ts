import { type Execution, type TalendClient, TalendError, isFinished, isSuccessful, isTalendError, mayHaveTakenEffect, redact, registerSecret } from "../sdk";
import type { Handler } from "./dynamic";
import { nameChecked } from "./name-checks";
import { missingRunPermissions, notAllowedToRun } from "./run-preflight";
import { type JournalEntry, readEntry, removeEntry, writeEntry } from "./journal";
import type { Context } from "./settings";
import { RUN_KEYS, TASK_EXECUTION_REPLACES, type TaskExecutionInputs, TaskExecutionInputsSchema, type TaskExecutionOutputs, runFingerprint } from "./task-execution-inputs";
import { changedKeys, checkInputs, partialFailure } from "./validation";

/** Runs seen in the history within this window of our POST, by our principal, are ours. */
const CLOCK_SKEW_MS = 2 * 60_000;
const START_ATTEMPTS = 3;

/**
 * Runs a Talend task exactly once per set of triggers. `create` starts (or adopts) the run and waits for it;
 * `update` never runs anything (a new run is a replacement, decided in `diff`); `delete` cancels a run still
 * going. Nothing runs during preview: the engine calls only check and diff then.
 */
export function taskExecutionHandler(ctx: () => Context): Handler {
  return {
    async check(_olds, news) {
      return nameChecked(ctx, _olds, checkInputs(TaskExecutionInputsSchema, news, "TaskExecution"), "TaskExecution");
    },

    async diff(_id, olds: TaskExecutionOutputs, news: TaskExecutionInputs) {
      const replaces = changedKeys(olds, news, news.rerunOnChange ? [...TASK_EXECUTION_REPLACES, ...RUN_KEYS] : TASK_EXECUTION_REPLACES);
      // The secret is not compared: it is unknown in preview whenever its account is updated, and it cannot
      // change without clientId changing (a new secret means a new account).
      const settings = ["clientId", "waitForCompletion", "waitTimeoutMinutes", "failOnError", "cancelOnTimeout", "cancelOnDestroy", "pollIntervalSeconds", "rerunOnChange", ...RUN_KEYS] as const;
      const changes = replaces.length > 0 || changedKeys(olds, news, settings).length > 0;
      return { changes, replaces };
    },

    async create(inputs: TaskExecutionInputs) {
      const c = ctx();
      for (const value of Object.values(inputs.parameters)) registerSecret(value);
      const task = await resolveTask(c, inputs);
      const runner = inputs.clientId && inputs.clientSecret ? c.client.asServiceAccount(inputs.clientId, inputs.clientSecret) : c.client;
      const fingerprint = runFingerprint(inputs);
      const base = { ...inputs, resolvedTaskId: task.id, runAs: inputs.clientId ? `service-account:${inputs.clientId}` : "token" };

      let executionId = await adoptJournaled(runner, fingerprint, task.id, inputs.clientId);
      if (!executionId) {
        if (inputs.clientId) {
          const missing = await missingRunPermissions(c, inputs.clientId, task.workspace);
          if (missing.length) throw notAllowedToRun(task.label, missing, false);
          // Tokens snapshot permissions at mint time: run with one minted now, after every grant.
          runner.markPermissionsChanged(inputs.clientId);
        }
        executionId = await start(c, runner, inputs, task, fingerprint);
      }

      let execution = await runner.executions.get(executionId);
      let timedOut: string | undefined;
      if (inputs.waitForCompletion) ({ execution, timedOut } = await waitFor(runner, execution, inputs));
      const outs: TaskExecutionOutputs = { ...base, ...fromExecution(execution) };
      const problem = timedOut ?? failureOf(execution, inputs);
      if (problem) {
        // Keep the run in state: the next `up` must not run it again unless told to.
        throw partialFailure(await describeFailure(c, runner, execution, task.label, problem), executionId, outs as unknown as Record<string, unknown>);
      }
      return { id: executionId, outs };
    },

    async read(id, props: TaskExecutionOutputs) {
      try {
        return { id, props: { ...props, ...fromExecution(await runnerFor(ctx(), props).executions.get(id)) } };
      } catch (e) {
        // Talend keeps 60 days of history; a run it forgot is still a run that happened. Never rerun for that.
        if (isTalendError(e, 404)) return { id, props };
        throw e;
      }
    },

    async update(id, olds: TaskExecutionOutputs, news: TaskExecutionInputs) {
      // Settings changed (or a failed run is being re-applied): record them, refresh the outcome, run nothing.
      let outs: TaskExecutionOutputs = { ...olds, ...news };
      try {
        outs = { ...outs, ...fromExecution(await runnerFor(ctx(), outs).executions.get(id)) };
      } catch (e) {
        if (!isTalendError(e, 404)) throw e;
      }
      return { outs };
    },

    async delete(id, props: TaskExecutionOutputs) {
      if (props.cancelOnDestroy && props.status && !isFinished(props.status)) {
        const runner = runnerFor(ctx(), props);
        try {
          const current = await runner.executions.get(id);
          if (!isFinished(current.status)) await runner.executions.cancel(id);
        } catch (e) {
          if (!isTalendError(e, 404) && !isTalendError(e, 400)) throw e;
        }
      }
      await removeEntry("runs", runFingerprint(props));
    },
  };
}

interface ResolvedTask {
  id: string;
  workspace: { id: string; name?: string };
  label: string;
}

async function resolveTask(ctx: Context, inputs: TaskExecutionInputs): Promise<ResolvedTask> {
  if (inputs.taskId) {
    const task = await ctx.client.tasks.get(inputs.taskId);
    return { id: task.id, workspace: { id: task.workspace?.id ?? "", name: task.workspace?.name }, label: `"${task.name}" (${task.id})` };
  }
  const ws = await ctx.client.workspaces.getByName(inputs.workspace as string, inputs.environment as string);
  const task = await ctx.client.tasks.findByName(inputs.task as string, ws);
  return { id: task.executable, workspace: { id: ws.id, name: ws.name }, label: `"${task.name}" (${task.executable}) in ${ws.name}/${ws.environment.name}` };
}

function runnerFor(ctx: Context, props: TaskExecutionOutputs): TalendClient {
  return props.clientId && props.clientSecret ? ctx.client.asServiceAccount(props.clientId, props.clientSecret) : ctx.client;
}

/** A run this same resource started before the process died (see journal.ts), if Talend still knows it. */
async function adoptJournaled(runner: TalendClient, fingerprint: string, taskId: string, principal?: string): Promise<string | undefined> {
  const entry = await readEntry("runs", fingerprint);
  if (!entry || entry.taskId !== taskId) return undefined;
  if (entry.executionId) {
    try {
      await runner.executions.get(entry.executionId);
      return entry.executionId;
    } catch (e) {
      if (!isTalendError(e, 404)) throw e;
      return undefined;
    }
  }
  return findOurRun(runner, { ...entry, taskId }, principal);
}

/** POSTs the run once; after an ambiguous failure, looks for it in the task's history before posting again. */
async function start(ctx: Context, runner: TalendClient, inputs: TaskExecutionInputs, task: ResolvedTask, fingerprint: string): Promise<string> {
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const entry = { taskId: task.id, postedAt: Date.now() };
    await writeEntry("runs", fingerprint, entry);
    try {
      const { executionId } = await runner.executions.start({
        executable: task.id,
        parameters: Object.keys(inputs.parameters).length ? inputs.parameters : undefined,
        logLevel: inputs.logLevel,
        timeout: inputs.timeoutMinutes,
      });
      await writeEntry("runs", fingerprint, { ...entry, executionId });
      return executionId;
    } catch (e) {
      if (isTalendError(e, 403)) {
        const missing = inputs.clientId ? await missingRunPermissions(ctx, inputs.clientId, task.workspace) : [];
        await removeEntry("runs", fingerprint);
        throw notAllowedToRun(task.label, missing, true);
      }
      if (!mayHaveTakenEffect(e)) {
        await removeEntry("runs", fingerprint);
        throw e;
      }
      const found = await findOurRun(runner, entry, inputs.clientId);
      if (found) {
        await writeEntry("runs", fingerprint, { ...entry, executionId: found });
        return found;
      }
    }
  }
  throw new TalendError({ kind: "ambiguous", message: `TaskExecution: starting task ${task.label} failed ${START_ATTEMPTS} times without an answer, and no run appeared in its history`, hint: "check connectivity to the Talend API and run `pulumi up` again" });
}

/** Our run in the task's history: triggered by our principal, no earlier than our POST (minus clock skew). */
async function findOurRun(runner: TalendClient, entry: JournalEntry & { taskId: string }, principal?: string): Promise<string | undefined> {
  // The history may lag the POST by a moment: look a few times.
  for (const delay of [0, 500, 1500]) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const page = await runner.executions.history(entry.taskId, { from: entry.postedAt - CLOCK_SKEW_MS });
    const ours = page.items
      .filter((run) => Date.parse(run.triggerTimestamp) >= entry.postedAt - CLOCK_SKEW_MS && (!principal || run.userId === principal))
      .sort((a, b) => Date.parse(a.triggerTimestamp) - Date.parse(b.triggerTimestamp));
    if (ours[0]) return ours[0].executionId;
  }
  return undefined;
}

/** Polls with growing intervals until the run ends, or the wait times out (then cancels when asked). */
async function waitFor(runner: TalendClient, first: Execution, inputs: TaskExecutionInputs): Promise<{ execution: Execution; timedOut?: string }> {
  const deadline = Date.now() + inputs.waitTimeoutMinutes * 60_000;
  let execution = first;
  let interval = inputs.pollIntervalSeconds * 1000;
  while (!isFinished(execution.status)) {
    if (Date.now() >= deadline) {
      const timedOut = `timed out waiting: still ${execution.status} after waitTimeoutMinutes=${inputs.waitTimeoutMinutes}; ${inputs.cancelOnTimeout ? "cancelled" : "left running (cancelOnTimeout=false)"}`;
      if (inputs.cancelOnTimeout) {
        await runner.executions.cancel(execution.executionId).catch(() => undefined);
        execution = await runner.executions.get(execution.executionId).catch(() => execution);
      }
      return { execution, timedOut };
    }
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(deadline - Date.now(), 0))));
    interval = Math.min(interval * 1.5, 30_000);
    execution = await runner.executions.get(execution.executionId);
  }
  return { execution };
}

function failureOf(execution: Execution, inputs: TaskExecutionInputs): string | undefined {
  if (!isFinished(execution.status) || isSuccessful(execution.status) || !inputs.failOnError) return undefined;
  return `ended ${execution.status} (${execution.executionStatus})`;
}

async function describeFailure(ctx: Context, runner: TalendClient, execution: Execution, task: string, problem: string): Promise<string> {
  let tail: string[] = [];
  for (const client of [runner, ctx.client]) {
    try {
      tail = (await client.executionLogs.tail(execution.executionId, 15)).map((l) => `    ${l.severity ?? ""} ${l.logMessage}`.trimEnd());
      break;
    } catch {
      // logs are a courtesy: try the provider's token, then give up
    }
  }
  const lines = [
    `TaskExecution: task ${task} ${problem}.`,
    `  execution id: ${execution.executionId}`,
    `  status: ${execution.status} / ${execution.executionStatus}`,
    execution.errorMessage ? `  error: ${execution.errorMessage}` : undefined,
    tail.length ? `  last log lines:\n${tail.join("\n")}` : undefined,
    `  console: Talend Management Console > Operations > Run history, execution ${execution.executionId}`,
    `  The run stays in state: the next \`pulumi up\` will not run it again; change \`triggers\` to run it again.`,
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
