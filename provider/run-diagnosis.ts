import { TalendError, runReadiness } from "../sdk";
import { describeFinding } from "./error-fixes";
import type { Context } from "./context";

// Why Talend refused to start a run (403 on POST /processing/executions). The requirements are read only after
// that refusal, never before the POST: a run that is allowed, the usual case, costs no reads for them, and the
// 403 leaves nothing started, so asking afterwards loses nothing.

/** The unmet run requirements of a service account, each as "what is missing: the fix" (see sdk/run-readiness). */
export async function missingRunPermissions(ctx: Context, serviceAccountId: string, workspace: { id: string; name?: string }): Promise<string[]> {
  const findings = await runReadiness(ctx.client, await ctx.permissionCatalog(), serviceAccountId, workspace);
  return findings.filter((f) => f.ok === false || (f.ok === "unknown" && f.check === "tasks-and-plans-edit")).map(describeFinding);
}

/** The error of a run Talend refused: what is missing, each with its fix. */
export function notAllowedToRun(task: string, missing: string[]): TalendError {
  const lines = missing.length
    ? missing.map((m) => `  - ${m}`).join("\n")
    : "  - nothing visible is missing; the token may predate a permission change. pulumi-talend mints a fresh token for every run, so run `pulumi up` again; if it persists, check the account in Talend Management Console";
  return new TalendError({
    kind: "http",
    code: "missing-permission",
    status: 403,
    message: `TaskExecution: cannot run task ${task}: Talend answered 403 Forbidden; nothing was started:\n${lines}`,
  });
}
