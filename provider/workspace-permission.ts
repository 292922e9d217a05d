import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, shim } from "./shim";
import { type ArgsOf, MODULE, stateKey } from "./types";
import type { WorkspacePermissionInputs } from "./workspace-permission-inputs";
import type { WorkspacePermissionValue } from "../sdk";

export type WorkspacePermissionArgs = ArgsOf<Pick<WorkspacePermissionInputs, "serviceAccountId" | "workspaceId" | "workspace" | "environment">> & {
  /** Subset of EXECUTE, VIEW, AUTHOR, MANAGE, PUBLISH; order-insensitive. */
  permissions: pulumi.Input<pulumi.Input<WorkspacePermissionValue>[]>;
  /** Manage permissions the account already has on the workspace instead of failing with 409. */
  adoptExisting?: pulumi.Input<boolean>;
};

/**
 * The complete set of permissions of one service account on one workspace (authoritative for that pair only;
 * other principals are never touched). Changing the permissions updates in place; changing the account or
 * the workspace replaces. Every change invalidates the account's cached tokens.
 */
export class WorkspacePermission extends DynamicResource {
  /** The service account holding the permissions. */
  declare readonly serviceAccountId: pulumi.Output<string>;
  /** The workspace id, resolved from `workspace` + `environment` when given by name. */
  declare readonly resolvedWorkspaceId: pulumi.Output<string>;
  /** The permissions, sorted, as Talend reports them. */
  declare readonly permissions: pulumi.Output<WorkspacePermissionValue[]>;
  /** True when existing permissions were adopted. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: WorkspacePermissionArgs, opts?: pulumi.CustomResourceOptions) {
    super(shim("WorkspacePermission"), name, { resolvedWorkspaceId: undefined, adopted: undefined, ...args, stateKey: stateKey(name) }, opts, MODULE, "WorkspacePermission");
  }
}
