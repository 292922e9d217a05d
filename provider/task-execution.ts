import * as pulumi from "@pulumi/pulumi";
import type { TaskExecutionInputs } from "./task-execution-inputs";
import { DynamicResource, shim } from "./shim";
import { type ArgsOf, MODULE, stateKey } from "./types";

export type TaskExecutionArgs = ArgsOf<Omit<TaskExecutionInputs, "runKey" | "parameters" | "triggers" | keyof Defaults>> &
  Partial<ArgsOf<Defaults>> & {
    /** Context-parameter overrides; secret values stay secret. */
    parameters?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Any values: the task runs on create and again only when these change. */
    triggers?: pulumi.Input<unknown>;
  };
type Defaults = Pick<TaskExecutionInputs, "rerunOnChange" | "waitForCompletion" | "waitTimeoutMinutes" | "failOnError" | "cancelOnTimeout" | "cancelOnDestroy" | "pollIntervalSeconds">;

/**
 * Runs a Talend task on `pulumi up`: exactly once on create, again only when `triggers` change (or, with
 * `rerunOnChange`, when the task or its parameters change). Never during preview. Waits for the run by
 * default and fails the update when it fails, keeping the run in state so it is not repeated.
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
  declare readonly startTimestamp: pulumi.Output<string | undefined>;
  declare readonly finishTimestamp: pulumi.Output<string | undefined>;
  /** From start to finish, in seconds. */
  declare readonly durationSeconds: pulumi.Output<number | undefined>;
  /** Talend's error message for a failed run (redacted). */
  declare readonly errorMessage: pulumi.Output<string | undefined>;
  /** "service-account:<id>" or "token". */
  declare readonly runAs: pulumi.Output<string>;

  constructor(name: string, args: TaskExecutionArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { executionId: undefined, resolvedTaskId: undefined, status: undefined, executionStatus: undefined, startTimestamp: undefined, finishTimestamp: undefined, durationSeconds: undefined, errorMessage: undefined, runAs: undefined };
    super(shim("TaskExecution"), name, { ...outputs, ...args, runKey: stateKey(name) }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret"] }, MODULE, "TaskExecution");
  }
}
