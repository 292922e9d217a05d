// pulumi-talend: Talend Cloud resources for Pulumi programs.
export { ServiceAccount, type ServiceAccountArgs } from "./service-account";
export { WorkspacePermission, type WorkspacePermissionArgs } from "./workspace-permission";
export { TaskExecution, type TaskExecutionArgs } from "./task-execution";
export {
  getEnvironment, getWorkspace, getTask, getPermissionCatalog,
  getEnvironmentOutput, getWorkspaceOutput, getTaskOutput, getPermissionCatalogOutput,
  type GetEnvironmentArgs, type GetWorkspaceArgs, type GetTaskArgs, type WorkspaceResult, type TaskResult,
} from "./lookups";
export { TaskRunner, type TaskRunnerArgs, type TaskRunnerWorkspace } from "./task-runner";
export { ENGINE_PERMISSIONS, TASKS_AND_PLANS_EDIT, type PermissionCatalog } from "../sdk";
