import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type PermissionCatalog, TASKS_AND_PLANS_EDIT, WORKSPACE_PERMISSIONS, type WorkspacePermissionValue, tasksAndPlansEditFix } from "../sdk";
import { getPermissionCatalogOutput } from "./lookups";
import { resourceError } from "./program-context";
import { ServiceAccount, type ServiceAccountArgs, ServiceAccountInputsSchema } from "./service-account";
import { TaskExecution, type TaskExecutionArgs, TaskExecutionInputsSchema } from "./task-execution";
import { type ArgsOf, MODULE } from "./types";
import { WorkspacePermission, type WorkspacePermissionArgs, WorkspacePermissionInputsSchema } from "./workspace-permission";

const EXECUTE_ONLY: WorkspacePermissionValue[] = ["EXECUTE"];

/** Where the runner's account may run tasks: one grant each. */
export const TaskRunnerWorkspaceSchema = z.object({
  /** Workspace id, or `workspace` + `environment` names. */
  workspaceId: WorkspacePermissionInputsSchema.shape.workspaceId,
  /** Workspace name, looked up in `environment`. */
  workspace: WorkspacePermissionInputsSchema.shape.workspace,
  /** Environment name of `workspace`. */
  environment: WorkspacePermissionInputsSchema.shape.environment,
  /** The account's permissions on the workspace (EXECUTE when not given). */
  permissions: z.array(z.enum(WORKSPACE_PERMISSIONS)).default(EXECUTE_ONLY),
});

/** A run as the runner's account: a TaskExecution's inputs, without the credentials (the runner's). */
export const TaskRunnerRunSchema = TaskExecutionInputsSchema.omit({ clientId: true, clientSecret: true, intentAt: true, intentId: true, intentUrn: true });

/**
 * TaskRunner's inputs, for its Args type, the provider plugin's schema and docs. A component has no `check`: its
 * account, grants and run validate their own inputs.
 */
export const TaskRunnerInputsSchema = z.object({
  /** Service account name in Talend. */
  name: ServiceAccountInputsSchema.shape.name,
  /** Where the account may run tasks. */
  workspaces: z.array(TaskRunnerWorkspaceSchema),
  /** Hold TMC_OPERATOR instead of TMC_ENGINE_USE. */
  operator: z.boolean().default(false),
  /** More account permissions. */
  extraPermissions: z.array(z.string()).optional(),
  /** Change to get a new account and secret. */
  rotateSecret: z.string().optional(),
  /** Append a suffix to the Talend name, so that a rotation creates the new account before deleting the old one (zero-downtime). */
  uniqueSuffix: z.boolean().optional(),
  /**
   * A task to run as the account once every grant exists: a TaskExecution's inputs without `clientId` and
   * `clientSecret` (the runner's), declared as a TaskExecution named like the runner. `runner.run(...)` adds more.
   */
  run: TaskRunnerRunSchema.optional(),
});

export type TaskRunnerWorkspace = ArgsOf<z.input<typeof TaskRunnerWorkspaceSchema>>;
export type TaskRunnerRunArgs = Omit<TaskExecutionArgs, "clientId" | "clientSecret">;
/** The workspaces (and whether there is a run) are plain values: they decide which resources the runner declares. */
export type TaskRunnerArgs = ArgsOf<Omit<z.input<typeof TaskRunnerInputsSchema>, "workspaces" | "run">> & { workspaces: TaskRunnerWorkspace[]; run?: TaskRunnerRunArgs };

/**
 * The 90 % case in one resource: a service account that can run tasks — TMC_ENGINE_USE (or TMC_OPERATOR),
 * "Tasks and Plans - Edit" (its ID read from the tenant's catalogue), EXECUTE on each workspace — ready when
 * the component is, and optionally a run as that account after every grant (`run`, or `runner.run(...)`).
 */
export class TaskRunner extends pulumi.ComponentResource {
  readonly serviceAccount: ServiceAccount;
  readonly grants: WorkspacePermission[];
  /** The run of `run`, if given. */
  readonly execution?: TaskExecution;
  /** The account's OAuth client ID. */
  readonly clientId: pulumi.Output<string>;
  /** The account's OAuth client secret (secret). */
  readonly clientSecret: pulumi.Output<string | undefined>;
  /** The id in Talend of the run of `run`. */
  readonly executionId: pulumi.Output<string | undefined>;
  /** The simplified status of the run of `run`: dispatching, executing, execution_successful, execution_failed, terminated, ... */
  readonly status: pulumi.Output<string | undefined>;
  private readonly parts: TaskRunnerParts<ServiceAccount, WorkspacePermission, TaskExecution>;

  constructor(name: string, args: TaskRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    // One type-token scheme for every pulumi-talend type (dynamic resources cannot choose theirs); 0.1.0 used
    // talend:index:TaskRunner, which the alias maps (and with it the URNs of the children).
    super(`pulumi-nodejs:dynamic/${MODULE}:TaskRunner`, name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "talend:index:TaskRunner" }] });
    this.parts = {
      tasksAndPlansEdit: getPermissionCatalogOutput().apply((c) => tasksAndPlansEditOf(c, name, (message) => resourceError(message, this))),
      account: (n, a, o) => new ServiceAccount(n, a, o),
      grant: (n, a, o) => new WorkspacePermission(n, a, o),
      run: (n, a, o) => new TaskExecution(n, a, o),
    };
    const runner = declareTaskRunner(name, args, { parent: this }, this.parts);
    this.serviceAccount = runner.account;
    this.grants = runner.grants;
    this.execution = runner.execution;
    ({ clientId: this.clientId, clientSecret: this.clientSecret, executionId: this.executionId, status: this.status } = runner.outputs);
    this.registerOutputs(runner.outputs);
  }

  /** Runs a task as this account, after all of its grants exist. */
  run(name: string, args: TaskRunnerRunArgs, opts?: pulumi.CustomResourceOptions): TaskExecution {
    return runAs(this.parts, this.serviceAccount, this.grants, name, args, { parent: this, ...opts });
  }
}

// The runner's body, shared by this class and the provider plugin's TaskRunner component (plugin/components.ts):
// the same account, grants and run, each made by its host's resource types.

/** How a host makes the runner's resources, and the ID of "Tasks and Plans - Edit" it read (tasksAndPlansEditOf). */
export interface TaskRunnerParts<Account extends RunnerAccount, Grant extends pulumi.Resource, Run extends RunnerRun> {
  tasksAndPlansEdit: pulumi.Input<string>;
  account(name: string, args: ServiceAccountArgs, opts: pulumi.CustomResourceOptions): Account;
  grant(name: string, args: WorkspacePermissionArgs, opts: pulumi.CustomResourceOptions): Grant;
  run(name: string, args: TaskExecutionArgs, opts: pulumi.CustomResourceOptions): Run;
}
type RunnerAccount = { clientId: pulumi.Output<string>; clientSecret: pulumi.Output<string | undefined> };
type RunnerRun = { executionId: pulumi.Output<string>; status: pulumi.Output<string> };

export interface TaskRunnerOutputs {
  clientId: pulumi.Output<string>;
  clientSecret: pulumi.Output<string | undefined>;
  executionId: pulumi.Output<string | undefined>;
  status: pulumi.Output<string | undefined>;
}

/** Declares the runner `name` under `opts.parent`: its account, a grant per workspace, and its run if given. */
export function declareTaskRunner<A extends RunnerAccount, G extends pulumi.Resource, R extends RunnerRun>(
  name: string,
  args: TaskRunnerArgs,
  opts: pulumi.CustomResourceOptions,
  parts: TaskRunnerParts<A, G, R>,
): { account: A; grants: G[]; execution?: R; outputs: TaskRunnerOutputs } {
  const permissions = pulumi.all([parts.tasksAndPlansEdit, args.operator, args.extraPermissions ?? []]).apply(([e, operator, extra]) => [operator ? "TMC_OPERATOR" : "TMC_ENGINE_USE", e, ...extra]);
  const account = parts.account(name, { name: args.name, permissions, rotateSecret: args.rotateSecret, uniqueSuffix: args.uniqueSuffix }, opts);
  const grants = args.workspaces.map((ws, i) =>
    parts.grant(
      grantName(name, ws, i),
      { serviceAccountId: account.clientId, workspaceId: ws.workspaceId, workspace: ws.workspace, environment: ws.environment, permissions: ws.permissions ?? EXECUTE_ONLY },
      // Keyed by workspace, so reordering `workspaces` changes nothing; 0.1.0 keyed them by position.
      { ...opts, aliases: [{ name: `${name}-ws${i}` }] },
    ),
  );
  const execution = args.run && runAs(parts, account, grants, name, args.run, opts);
  const outputs = { clientId: account.clientId, clientSecret: account.clientSecret, executionId: pulumi.output(execution?.executionId), status: pulumi.output(execution?.status) };
  return { account, grants, execution, outputs };
}

/** A run as the runner's account, after all of its grants exist. */
function runAs<R extends RunnerRun>(parts: Pick<TaskRunnerParts<RunnerAccount, pulumi.Resource, R>, "run">, account: RunnerAccount, grants: pulumi.Resource[], name: string, args: TaskRunnerRunArgs, opts: pulumi.CustomResourceOptions): R {
  return parts.run(name, { ...args, clientId: account.clientId, clientSecret: account.clientSecret }, { ...opts, dependsOn: [...grants, ...toArray(opts.dependsOn)] });
}

/** `<runner>-<workspace>-<environment>` (or `<runner>-<workspaceId>`) when known in the program, else by position. */
function grantName(runner: string, ws: TaskRunnerWorkspace, i: number): string {
  const parts = typeof ws.workspaceId === "string" ? [ws.workspaceId] : typeof ws.workspace === "string" && typeof ws.environment === "string" ? [ws.workspace, ws.environment] : [`ws${i}`];
  return [runner, ...parts].join("-");
}

/** The ID of "Tasks and Plans - Edit" in this catalogue; else the host's error for the runner, with the fix. */
export function tasksAndPlansEditOf(c: PermissionCatalog, runner: string, error: (message: string) => Error): string {
  if (c.tasksAndPlansEdit) return c.tasksAndPlansEdit;
  throw error(tasksAndPlansEditProblem(c, runner));
}

/** Why a TaskRunner cannot get "Tasks and Plans - Edit" from this catalogue: the candidates and how to set the ID. */
export function tasksAndPlansEditProblem(c: PermissionCatalog, runner: string): string {
  return `TaskRunner "${runner}": cannot tell which permission ID is "${TASKS_AND_PLANS_EDIT}": ${c.tasksAndPlansEditReason}. Fix: ${tasksAndPlansEditFix(c.undocumented)}`;
}

function toArray<T>(v: pulumi.Input<pulumi.Input<T>[]> | pulumi.Input<T> | undefined): pulumi.Input<T>[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v as pulumi.Input<T>];
}
