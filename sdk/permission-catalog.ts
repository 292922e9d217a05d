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
  /** The IDs not in Talend's documentation (DOCUMENTED_PERMISSIONS), sorted: where "Tasks and Plans - Edit" hides. */
  undocumented: string[];
  /** The ID of "Tasks and Plans - Edit", when it could be determined. */
  tasksAndPlansEdit?: string;
  /** Why `tasksAndPlansEdit` is what it is (shown in errors); when undefined, this lists the undocumented IDs (fix: tasksAndPlansEditFix). */
  tasksAndPlansEditReason: string;
}

/** How to tell pulumi-talend (and talend-doctor) the ID, with the IDs it could be. */
export function tasksAndPlansEditFix(undocumented: readonly string[]): string {
  const choices = undocumented.length ? `, one of ${undocumented.join(", ")}` : "";
  return `pulumi config set talend:tasksAndPlansEditPermission <ID> with the ID of "${TASKS_AND_PLANS_EDIT}"${choices} (as Talend Management Console or Talend support names it; talend-doctor takes --tasks-and-plans-edit-permission <ID>)`;
}

function listed(undocumented: readonly string[]): string {
  return undocumented.length ? ` (undocumented IDs in the catalogue: ${undocumented.join(", ")})` : " (the catalogue lists no undocumented ID)";
}

export function buildCatalog(ids: string[], tasksAndPlansEditOverride?: string): PermissionCatalog {
  const sorted = [...new Set(ids)].sort();
  const undocumented = sorted.filter((id) => !(id in DOCUMENTED_PERMISSIONS));
  const base = { ids: sorted, undocumented };
  if (tasksAndPlansEditOverride) {
    return sorted.includes(tasksAndPlansEditOverride)
      ? { ...base, tasksAndPlansEdit: tasksAndPlansEditOverride, tasksAndPlansEditReason: `configured (talend:tasksAndPlansEditPermission)` }
      : { ...base, tasksAndPlansEditReason: `the configured ID "${tasksAndPlansEditOverride}" (talend:tasksAndPlansEditPermission) is not in the tenant's catalogue${listed(undocumented)}` };
  }
  const candidates = undocumented.filter((id) => /TASK/i.test(id) && /PLAN/i.test(id) && !/VIEW|READ/i.test(id));
  if (candidates.length === 1) return { ...base, tasksAndPlansEdit: candidates[0], tasksAndPlansEditReason: "the only undocumented task-and-plan ID in the catalogue" };
  return {
    ...base,
    tasksAndPlansEditReason: candidates.length
      ? `several catalogue IDs could be it: ${candidates.join(", ")}${listed(undocumented)}`
      : `no catalogue ID looks like it${listed(undocumented)}`,
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

/**
 * The names close enough to a mistyped one to suggest ("did you mean"), best first: within a third of the
 * name's length in edits (at least 2), or differing only in case, or one containing the other (3 characters or more).
 */
export function closestNames(name: string, candidates: readonly string[], n = 2): string[] {
  const wanted = name.toLowerCase();
  const scored = [...new Set(candidates)]
    .map((candidate) => {
      const c = candidate.toLowerCase();
      const contains = Math.min(c.length, wanted.length) >= 3 && (c.includes(wanted) || wanted.includes(c));
      const d = c === wanted || contains ? 0.5 : editDistance(wanted, c);
      return { candidate, d };
    })
    .filter(({ candidate, d }) => candidate !== name && d <= Math.max(2, Math.floor(Math.max(name.length, candidate.length) / 3)))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, n).map((x) => x.candidate);
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
