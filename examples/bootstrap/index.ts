// Environment bootstrap: create a service account that may run tasks, grant it EXECUTE on a workspace found
// by name, and run a seed task once as that account. Change `seedVersion` to run the seed task again.
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";

const config = new pulumi.Config();
const environment = config.get("environment") ?? "development";
const workspaceName = config.get("workspace") ?? "ops";

// "Tasks and Plans - Edit" has no published ID: read it from the tenant's live permission catalogue.
// (A RunError is printed as its message alone: no stack trace.)
const tasksAndPlansEdit = talend.getPermissionCatalogOutput().apply((catalog) => {
  if (!catalog.tasksAndPlansEdit) throw new pulumi.RunError(`cannot find "Tasks and Plans - Edit": ${catalog.tasksAndPlansEditReason}`);
  return catalog.tasksAndPlansEdit;
});
const workspace = talend.getWorkspaceOutput({ name: workspaceName, environment });

const runner = new talend.ServiceAccount("ci-runner", {
  name: config.get("accountName") ?? "ci-runner",
  permissions: ["TMC_ENGINE_USE", tasksAndPlansEdit],
});

const execute = new talend.WorkspacePermission("ci-runner-execute", {
  serviceAccountId: runner.clientId,
  workspaceId: workspace.id,
  permissions: ["EXECUTE"],
});

const seed = new talend.TaskExecution(
  "seed",
  {
    task: config.get("seedTask") ?? "seed-database",
    workspace: workspaceName,
    environment,
    clientId: runner.clientId,
    clientSecret: runner.clientSecret,
    triggers: [config.get("seedVersion") ?? "1"],
    pollIntervalSeconds: 1,
  },
  // The grant must exist before the run; the provider then mints a token that includes it.
  { dependsOn: [execute] },
);

export const clientId = runner.clientId;
export const clientSecret = runner.clientSecret; // a secret output: `pulumi stack output --show-secrets clientSecret`
export const accountPermissions = runner.permissions;
export const workspaceId = execute.resolvedWorkspaceId;
export const seedExecutionId = seed.executionId;
export const seedStatus = seed.status;
