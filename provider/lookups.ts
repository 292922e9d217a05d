import { type Environment, type PermissionCatalog, type TaskExtract, type Workspace } from "../sdk";
import { programContext } from "./program-context";

// Lookups for programs, configured like the resources (talend:* config, then TALEND_* variables). Each
// finds exactly one object or fails saying what it looked for and what exists instead.
/** The environment with exactly this name. */
export function getEnvironment(args: { name: string }): Promise<Environment> {
  return programContext().client.environments.getByName(args.name);
}

/** The workspace with exactly this name in the named environment. */
export function getWorkspace(args: { name: string; environment: string }): Promise<Workspace & { environment: Environment }> {
  return programContext().client.workspaces.getByName(args.name, args.environment);
}

/** The task with exactly this name in the named workspace and environment, with its workspace and environment ids. */
export async function getTask(args: { name: string; workspace: string; environment: string }): Promise<TaskExtract & { workspaceId: string; environmentId: string }> {
  const ws = await getWorkspace({ name: args.workspace, environment: args.environment });
  const task = await programContext().client.tasks.findByName(args.name, ws.id);
  return { ...task, workspaceId: ws.id, environmentId: ws.environment.id };
}

/** The tenant's account-permission IDs, with the ID of "Tasks and Plans - Edit" when it can be determined. */
export function getPermissionCatalog(): Promise<PermissionCatalog> {
  return programContext().permissionCatalog();
}
