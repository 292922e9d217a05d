/**
 * What we know about account permission IDs. Talend's catalogue endpoint returns IDs only, and the ID of
 * "Tasks and Plans - Edit" (needed to run tasks as a service account) is not published, so it is resolved
 * from the live catalogue: an explicit override wins, otherwise the one undocumented ID that names tasks and
 * plans. Nothing here guesses an ID that the tenant did not list.
 */
export const DOCUMENTED_PERMISSIONS: Readonly<Record<string, string>> = {
  TMC_USER_MANAGEMENT: "Users - Manage",
  TMC_ROLE_MANAGEMENT: "Roles - Manage",
  TMC_GROUP_MANAGEMENT: "Groups - Manage",
  TMC_SUBSCRIPTION_MANAGEMENT: "Subscription - Manage",
  TMC_POLICY_PASSWORD: "Password policy - Manage",
  TMC_SSO_MANAGEMENT: "SSO - Manage",
  TMC_SERVICE_ACCOUNT_MANAGEMENT: "Service Account - Manage",
  AUDIT_LOGS_VIEW: "Audit logs - View",
  TMC_PROJECT_MANAGEMENT: "Projects - Manage",
  TMC_CONFIGURATION_NEXUS_USERLIBS: "Artifact repository - Configuration",
  TMC_PIPELINE_MANAGEMENT: "Promotion - Manage",
  TMC_ENVIRONMENT_MANAGEMENT: "Environments - Manage",
  TMC_PROMOTION_EXECUTION: "Promotion - Start",
  TMC_CLUSTER_MANAGEMENT: "Engines - Manage",
  TMC_STATIC_IP_MANAGEMENT: "Static IP - Manage",
  TMC_EXPORT_LOGS_MANAGEMENT: "Export Logs - Manage",
  TMC_CLOUD_CONFIGURATION_MANAGEMENT: "Manage Cloud Configurations",
  TMC_RUN_PROFILE_MANAGEMENT: "Run Profiles - Manage",
  TMC_OPERATOR: "Operations - Manage",
  TMC_ENGINE_USE: "Engines - Use",
  TMC_CONNECTION_RESOURCE_EDIT: "Connections and Resources - Edit",
  EXECUTION_LOGS_DELETE: "Execution Logs - Delete",
};

/** A service account needs one of these to run tasks. */
export const ENGINE_PERMISSIONS = ["TMC_ENGINE_USE", "TMC_OPERATOR"] as const;
export const TASKS_AND_PLANS_EDIT = "Tasks and Plans - Edit";

export interface PermissionCatalog {
  /** Every ID the tenant lists, sorted. */
  ids: string[];
  /** The ID of "Tasks and Plans - Edit", when it could be determined. */
  tasksAndPlansEdit?: string;
  /** Why `tasksAndPlansEdit` is what it is (shown in errors). */
  tasksAndPlansEditReason: string;
}

export function buildCatalog(ids: string[], tasksAndPlansEditOverride?: string): PermissionCatalog {
  const sorted = [...new Set(ids)].sort();
  if (tasksAndPlansEditOverride) {
    return sorted.includes(tasksAndPlansEditOverride)
      ? { ids: sorted, tasksAndPlansEdit: tasksAndPlansEditOverride, tasksAndPlansEditReason: `configured (talend:tasksAndPlansEditPermission)` }
      : { ids: sorted, tasksAndPlansEditReason: `the configured ID "${tasksAndPlansEditOverride}" is not in the tenant's catalogue` };
  }
  const candidates = sorted.filter((id) => !(id in DOCUMENTED_PERMISSIONS) && /TASK/i.test(id) && /PLAN/i.test(id) && !/VIEW|READ/i.test(id));
  if (candidates.length === 1) return { ids: sorted, tasksAndPlansEdit: candidates[0], tasksAndPlansEditReason: "the only undocumented task-and-plan ID in the catalogue" };
  return {
    ids: sorted,
    tasksAndPlansEditReason: candidates.length
      ? `several catalogue IDs could be it (${candidates.join(", ")}); set talend:tasksAndPlansEditPermission`
      : "no catalogue ID looks like it; set talend:tasksAndPlansEditPermission to the ID shown in Talend Management Console",
  };
}

/** The catalogue IDs closest to a mistyped one, best first. */
export function closestIds(id: string, ids: string[], n = 3): string[] {
  return ids
    .map((candidate) => ({ candidate, d: editDistance(id.toUpperCase(), candidate.toUpperCase()) }))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, n)
    .map((x) => x.candidate);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] ?? 0;
}
