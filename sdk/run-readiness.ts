import type { TalendClient } from "./client";
import { isTalendError } from "./errors";
import { ENGINE_PERMISSIONS, type PermissionCatalog, TASKS_AND_PLANS_EDIT } from "./permission-catalog";

/** One requirement for running a task as a service account, and how to meet it when it is not met. */
export interface Finding {
  check: "account" | "engine-permission" | "tasks-and-plans-edit" | "workspace-execute";
  ok: boolean | "unknown";
  detail: string;
  /** The account permission ID (or workspace permission) that is missing, when one is. */
  permission?: string;
  fix?: string;
}

/**
 * What a service account needs to run a task (support article on 403 at POST /processing/executions):
 * TMC_ENGINE_USE or TMC_OPERATOR, "Tasks and Plans - Edit", EXECUTE on the task's workspace — and a token
 * minted after all of them were granted. `client` must be allowed to read service accounts and workspace
 * permissions (a PAT with TMC_SERVICE_ACCOUNT_MANAGEMENT and TMC_USER_MANAGEMENT); what it may not read is
 * reported as "unknown", never guessed.
 */
export async function runReadiness(client: TalendClient, catalog: PermissionCatalog, serviceAccountId: string, workspace: { id: string; name?: string }): Promise<Finding[]> {
  let account;
  try {
    account = await client.serviceAccounts.get(serviceAccountId);
  } catch (e) {
    if (isTalendError(e, 404)) return [{ check: "account", ok: false, detail: `service account ${serviceAccountId} does not exist`, fix: "check the client ID" }];
    if (isTalendError(e, 403)) return [{ check: "account", ok: "unknown", detail: "these credentials may not read service accounts (TMC_SERVICE_ACCOUNT_MANAGEMENT)" }];
    throw e;
  }
  const who = `service account "${account.name}" (${account.id})`;
  const findings: Finding[] = [{ check: "account", ok: true, detail: `${who} exists` }];
  const engine = ENGINE_PERMISSIONS.filter((p) => account.permissions.includes(p));
  findings.push(
    engine.length
      ? { check: "engine-permission", ok: true, detail: `${who} holds ${engine.join(" and ")}` }
      : { check: "engine-permission", ok: false, detail: `${who} lacks the account permission TMC_ENGINE_USE (or TMC_OPERATOR)`, permission: "TMC_ENGINE_USE", fix: `add "TMC_ENGINE_USE" to its permissions` },
  );
  const edit = catalog.tasksAndPlansEdit;
  findings.push(
    !edit
      ? { check: "tasks-and-plans-edit", ok: "unknown", detail: `the ID of "${TASKS_AND_PLANS_EDIT}" could not be determined (${catalog.tasksAndPlansEditReason})`, fix: `look the ID of "${TASKS_AND_PLANS_EDIT}" up in Talend Management Console and configure it as the catalogue override` }
      : account.permissions.includes(edit)
        ? { check: "tasks-and-plans-edit", ok: true, detail: `${who} holds "${TASKS_AND_PLANS_EDIT}" (${edit})` }
        : { check: "tasks-and-plans-edit", ok: false, detail: `${who} lacks the account permission "${TASKS_AND_PLANS_EDIT}" (${edit})`, permission: edit, fix: `add "${edit}" to its permissions` },
  );
  const where = `workspace ${workspace.name ? `"${workspace.name}" ` : ""}(${workspace.id})`;
  try {
    const perms = await client.workspacePermissions.get(workspace.id, serviceAccountId);
    findings.push(
      perms.permissions.includes("EXECUTE")
        ? { check: "workspace-execute", ok: true, detail: `${who} has EXECUTE on ${where}` }
        : { check: "workspace-execute", ok: false, detail: `${who} lacks EXECUTE on ${where} (it has ${perms.permissions.join(", ")})`, permission: "EXECUTE", fix: `add "EXECUTE" to its permissions on that workspace` },
    );
  } catch (e) {
    if (isTalendError(e, 404)) findings.push({ check: "workspace-execute", ok: false, detail: `${who} has no permission on ${where}`, permission: "EXECUTE", fix: `grant it ["EXECUTE"] on that workspace` });
    else if (isTalendError(e, 403)) findings.push({ check: "workspace-execute", ok: "unknown", detail: "these credentials may not read workspace permissions (TMC_USER_MANAGEMENT)" });
    else throw e;
  }
  return findings;
}
