import * as pulumi from "@pulumi/pulumi";
import { type PermissionCatalog, TASKS_AND_PLANS_EDIT, type WorkspacePermissionValue, tasksAndPlansEditFix } from "../sdk";
import { getPermissionCatalogOutput } from "./lookups";
import { resourceError } from "./program-context";
import { ServiceAccount } from "./service-account";
import { TaskExecution, type TaskExecutionArgs } from "./task-execution";
import { MODULE } from "./types";
import { WorkspacePermission } from "./workspace-permission";

export interface TaskRunnerWorkspace {
  /** Workspace id, or `workspace` + `environment` names. */
  workspaceId?: pulumi.Input<string>;
  workspace?: pulumi.Input<string>;
  environment?: pulumi.Input<string>;
  /** Defaults to ["EXECUTE"]. */
  permissions?: pulumi.Input<pulumi.Input<WorkspacePermissionValue>[]>;
}

export interface TaskRunnerArgs {
  /** Service account name in Talend. */
  name: pulumi.Input<string>;
  /** Where the account may run tasks. */
  workspaces: TaskRunnerWorkspace[];
  /** Hold TMC_OPERATOR instead of TMC_ENGINE_USE. */
  operator?: boolean;
  /** More account permissions. */
  extraPermissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Change to get a new account and secret. */
  rotateSecret?: pulumi.Input<string>;
  /** Append a random suffix to the name (zero-downtime rotation). */
  uniqueSuffix?: pulumi.Input<boolean>;
}

/**
 * The 90 % case in one resource: a service account that can run tasks — TMC_ENGINE_USE (or TMC_OPERATOR),
 * "Tasks and Plans - Edit" (its ID read from the tenant's catalogue), EXECUTE on each workspace — ready when
 * the component is. `runner.run(...)` starts a TaskExecution as that account after every grant.
 */
export class TaskRunner extends pulumi.ComponentResource {
  readonly serviceAccount: ServiceAccount;
  readonly grants: WorkspacePermission[];
  readonly clientId: pulumi.Output<string>;
  /** Secret. */
  readonly clientSecret: pulumi.Output<string | undefined>;

  constructor(name: string, args: TaskRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    // One type-token scheme for every pulumi-talend type (dynamic resources cannot choose theirs); 0.1.0 used
    // talend:index:TaskRunner, which the alias maps (and with it the URNs of the children).
    super(`pulumi-nodejs:dynamic/${MODULE}:TaskRunner`, name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "talend:index:TaskRunner" }] });
    const edit = getPermissionCatalogOutput().apply((c) => {
      if (c.tasksAndPlansEdit) return c.tasksAndPlansEdit;
      throw resourceError(tasksAndPlansEditProblem(c, name), this);
    });
    const permissions = pulumi.all([edit, args.extraPermissions ?? []]).apply(([e, extra]) => [args.operator ? "TMC_OPERATOR" : "TMC_ENGINE_USE", e, ...extra]);
    this.serviceAccount = new ServiceAccount(name, { name: args.name, permissions, rotateSecret: args.rotateSecret, uniqueSuffix: args.uniqueSuffix }, { parent: this });
    this.grants = args.workspaces.map(
      (ws, i) =>
        new WorkspacePermission(
          grantName(name, ws, i),
          { serviceAccountId: this.serviceAccount.clientId, workspaceId: ws.workspaceId, workspace: ws.workspace, environment: ws.environment, permissions: ws.permissions ?? ["EXECUTE"] },
          // Keyed by workspace, so reordering `workspaces` changes nothing; 0.1.0 keyed them by position.
          { parent: this, aliases: [{ name: `${name}-ws${i}` }] },
        ),
    );
    this.clientId = this.serviceAccount.clientId;
    this.clientSecret = this.serviceAccount.clientSecret;
    this.registerOutputs({ clientId: this.clientId, clientSecret: this.clientSecret });
  }

  /** Runs a task as this account, after all of its grants exist. */
  run(name: string, args: Omit<TaskExecutionArgs, "clientId" | "clientSecret">, opts?: pulumi.CustomResourceOptions): TaskExecution {
    return new TaskExecution(name, { ...args, clientId: this.clientId, clientSecret: this.clientSecret }, { parent: this, ...opts, dependsOn: [...this.grants, ...toArray(opts?.dependsOn)] });
  }
}

/** `<runner>-<workspace>-<environment>` (or `<runner>-<workspaceId>`) when known in the program, else by position. */
function grantName(runner: string, ws: TaskRunnerWorkspace, i: number): string {
  const parts = typeof ws.workspaceId === "string" ? [ws.workspaceId] : typeof ws.workspace === "string" && typeof ws.environment === "string" ? [ws.workspace, ws.environment] : [`ws${i}`];
  return [runner, ...parts].join("-");
}

/** Why a TaskRunner cannot get "Tasks and Plans - Edit" from this catalogue: the candidates and how to set the ID. */
export function tasksAndPlansEditProblem(c: PermissionCatalog, runner: string): string {
  return `TaskRunner "${runner}": cannot tell which permission ID is "${TASKS_AND_PLANS_EDIT}": ${c.tasksAndPlansEditReason}. Fix: ${tasksAndPlansEditFix(c.undocumented)}`;
}

function toArray<T>(v: pulumi.Input<pulumi.Input<T>[]> | pulumi.Input<T> | undefined): pulumi.Input<T>[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v as pulumi.Input<T>];
}
