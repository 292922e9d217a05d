import { z } from "zod";
import type { TalendClient } from "./client";
import { path } from "./paths";

export const WORKSPACE_PERMISSIONS = ["EXECUTE", "VIEW", "AUTHOR", "MANAGE", "PUBLISH"] as const;
export const WorkspacePermissionValueSchema = z.enum(WORKSPACE_PERMISSIONS);
export type WorkspacePermissionValue = z.infer<typeof WorkspacePermissionValueSchema>;

/** One principal's permissions on one workspace (`userId` holds the service-account id). */
export const PermissionSchema = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  permissions: z.array(z.string()),
});
export type Permission = z.infer<typeof PermissionSchema>;

const PermissionListSchema = z.array(WorkspacePermissionValueSchema).min(1);

/**
 * Workspace permissions of service accounts, one (workspace, account) pair at a time; caller needs
 * TMC_USER_MANAGEMENT. The batch endpoints are deliberately absent: an empty id list there deletes the
 * permissions of every account on a workspace.
 */
export class WorkspacePermissionsApi {
  constructor(private readonly client: TalendClient) {}

  async get(workspaceId: string, serviceAccountId: string): Promise<Permission> {
    return this.client.request({ method: "GET", path: this.path(workspaceId, serviceAccountId) }, PermissionSchema);
  }

  /** 201 on success; 409 when the pair already has permissions. */
  async create(workspaceId: string, serviceAccountId: string, permissions: WorkspacePermissionValue[]): Promise<undefined> {
    return this.client.request({ method: "POST", path: this.path(workspaceId, serviceAccountId), body: PermissionListSchema.parse(permissions) });
  }

  /** Full replacement of the pair's set; 404 when the pair has none yet. */
  async replace(workspaceId: string, serviceAccountId: string, permissions: WorkspacePermissionValue[]): Promise<undefined> {
    return this.client.request({ method: "PUT", path: this.path(workspaceId, serviceAccountId), body: PermissionListSchema.parse(permissions) });
  }

  async delete(workspaceId: string, serviceAccountId: string): Promise<undefined> {
    return this.client.request({ method: "DELETE", path: this.path(workspaceId, serviceAccountId) });
  }

  /** Every grant matching the filter (GET /security/service-accounts/permissions); talend-import reads a tenant with it. */
  async search(filter: { workspaceId?: string; environmentId?: string; serviceAccountId?: string } = {}): Promise<Permission[]> {
    return this.client.request({ method: "GET", path: "/security/service-accounts/permissions", query: filter }, z.array(PermissionSchema));
  }

  private path(workspaceId: string, serviceAccountId: string): string {
    return path`/security/workspaces/${workspaceId}/service-accounts/${serviceAccountId}/permissions`;
  }
}
