import { TalendError, runReadiness } from "../sdk";
import { describeFinding } from "./error-fixes";
import type { Context } from "./settings";

/** The unmet run requirements of a service account, each as "what is missing: the fix" (see sdk/run-readiness). */
export async function missingRunPermissions(ctx: Context, serviceAccountId: string, workspace: { id: string; name?: string }): Promise<string[]> {
  const findings = await runReadiness(ctx.client, await ctx.permissionCatalog(), serviceAccountId, workspace);
  return findings.filter((f) => f.ok === false || (f.ok === "unknown" && f.check === "tasks-and-plans-edit")).map(describeFinding);
}

export function notAllowedToRun(task: string, missing: string[], afterForbidden: boolean): TalendError {
  const lines = missing.length
    ? missing.map((m) => `  - ${m}`).join("\n")
    : "  - nothing visible is missing; the token may predate a permission change. pulumi-talend mints a fresh token for every run, so run `pulumi up` again; if it persists, check the account in Talend Management Console";
  return new TalendError({
    kind: afterForbidden ? "http" : "precondition",
    code: "missing-permission",
    status: afterForbidden ? 403 : undefined,
    message: `TaskExecution: cannot run task ${task}${afterForbidden ? " (Talend answered 403 Forbidden)" : "; nothing was started"}:\n${lines}`,
  });
}
