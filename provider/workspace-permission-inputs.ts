import { z } from "zod";
import { WORKSPACE_PERMISSIONS } from "../sdk";

const id = (what: string) => z.string({ error: `must be the ${what} id (a string)` }).trim().min(1, "must not be empty").regex(/^[A-Za-z0-9_-]+$/, `must be a ${what} id as Talend returns it (letters, digits, '-' and '_')`);

/** One service account's permissions on one workspace. The workspace is given by id or by name + environment. */
export const WorkspacePermissionInputsSchema = z
  .object({
    /** The service account (a ServiceAccount's `clientId`). */
    serviceAccountId: id("service account"),
    /** The workspace id; or give `workspace` and `environment` names. */
    workspaceId: id("workspace").optional(),
    /** Workspace name, looked up in `environment`. */
    workspace: z.string().trim().min(1, "must not be empty").optional(),
    /** Environment name of `workspace`. */
    environment: z.string().trim().min(1, "must not be empty").optional(),
    /** The complete set of the account's permissions on the workspace; order-insensitive. */
    permissions: z
      .array(z.enum(WORKSPACE_PERMISSIONS, { error: `must be one of ${WORKSPACE_PERMISSIONS.join(", ")}` }), { error: "must be a list of workspace permissions" })
      .min(1, `must name at least one of ${WORKSPACE_PERMISSIONS.join(", ")}; delete the resource to remove all`)
      .transform((values) => [...new Set(values)].sort()),
    /** Manage permissions the account already has on the workspace instead of failing with 409. */
    adoptExisting: z.boolean({ error: "must be true or false" }).default(false),
    /** Internal: project/stack/resource name, set by the resource class; keys the create journal. */
    stateKey: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const byName = v.workspace !== undefined || v.environment !== undefined;
    if (v.workspaceId !== undefined && byName) ctx.addIssue({ code: "custom", path: ["workspaceId"], message: "give either workspaceId, or workspace and environment, not both" });
    else if (v.workspaceId === undefined && (v.workspace === undefined || v.environment === undefined))
      ctx.addIssue({ code: "custom", path: [v.workspace === undefined ? "workspace" : "environment"], message: "give workspaceId, or both workspace (name) and environment (name)" });
  });
export type WorkspacePermissionInputs = z.output<typeof WorkspacePermissionInputsSchema>;

/** Inputs whose change replaces the grant (another pair); `permissions` update in place. */
export const WORKSPACE_PERMISSION_REPLACES = ["serviceAccountId", "workspaceId", "workspace", "environment"] as const;

export interface WorkspacePermissionOutputs extends WorkspacePermissionInputs {
  resolvedWorkspaceId: string;
  adopted: boolean;
}

/** Import/composite id: `<workspaceId>/<serviceAccountId>`. */
export function permissionId(workspaceId: string, serviceAccountId: string): string {
  return `${workspaceId}/${serviceAccountId}`;
}
