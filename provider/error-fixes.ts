// The one place where a Talend failure becomes a fix in Pulumi terms. The SDK explains failures in API terms
// (`e.code`, `e.hint`); this table says what a Pulumi user changes: config keys, resource inputs, commands.
// The provider's own decisions carry their fixes already (errors.ts); where the remedy is the same, so is the text.
import { type Finding, TalendError, type TalendErrorCode } from "../sdk";
import { PROVIDER_ERRORS } from "./errors";

const TOKEN = "talend:token (pulumi config set --secret talend:token <personal access token>, or TALEND_TOKEN)";
const WHERE = "talend:region or talend:endpoint (pulumi config set talend:region eu)";

/** Pulumi fixes by error code; codes absent here keep the SDK's hint, which needs no translation. */
export const PULUMI_FIXES: Partial<Record<TalendErrorCode, (e: TalendError) => string>> = {
  "invalid-token": () => `check ${TOKEN} and ${WHERE}: the token must be valid for that region`,
  "invalid-client": () => "the service account's secret is wrong or the account was deleted; change the ServiceAccount's rotateSecret to get a new account and secret",
  "missing-permission": (e) =>
    `${e.hint ? `${e.hint}. ` : ""}${
      e.serviceAccountId
        ? `The caller is the ServiceAccount ${e.serviceAccountId}: add the account permission to its permissions, or declare a WorkspacePermission for the workspace`
        : `The caller is the user of talend:token: grant it in Talend Management Console, or set ${TOKEN} to a token of a user who has it`
    }`,
  "name-taken": () => PROVIDER_ERRORS["account-name-taken"].fix,
  "grant-exists": () => PROVIDER_ERRORS["grant-held"].fix,
  "rate-limited": () => "run fewer operations at once: pulumi up --parallel 4",
  "server-error": () => "Talend failed to answer; run `pulumi up` again, and check Talend's status page if it persists",
  "lost-response": () => "run `pulumi up` again: the provider reads Talend's state before repeating anything",
  unreachable: () => `check ${WHERE} and network access to the Talend API, then run \`pulumi up\` again`,
};

/** Pulumi fixes for the requirements of a run as a service account (see sdk/run-readiness.ts). */
export const RUN_REQUIREMENT_FIXES: Partial<Record<Finding["check"], (f: Finding) => string>> = {
  account: () => "check TaskExecution.clientId: it must be the clientId of an existing ServiceAccount",
  "engine-permission": (f) => `add "${f.permission}" to the ServiceAccount's permissions (a TaskRunner does this)`,
  "tasks-and-plans-edit": (f) =>
    f.ok === "unknown"
      ? "set talend:tasksAndPlansEditPermission to the ID shown in Talend Management Console"
      : `add "${f.permission}" (getPermissionCatalog().tasksAndPlansEdit) to the ServiceAccount's permissions (a TaskRunner does this)`,
  "workspace-execute": () => `declare a WorkspacePermission with permissions ["EXECUTE"] on it (and make the TaskExecution depend on it)`,
};

const fixed = new WeakSet<object>();

/**
 * The error with its fix in Pulumi terms, for errors the SDK raised for a request (they carry method and
 * path). Anything else — a ProviderError (it has its fix), other errors — is returned as is, and so is an error
 * already fixed. Extra properties (a half-done create's id and properties) are kept.
 */
export function withPulumiFix(e: unknown): unknown {
  if (!(e instanceof TalendError) || e.path === undefined || fixed.has(e)) return e;
  const fix = PULUMI_FIXES[e.code];
  if (!fix) return e;
  const out = e.copyWith({ hint: fix(e) });
  for (const [k, v] of Object.entries(e)) if (!(k in out)) (out as unknown as Record<string, unknown>)[k] = v;
  fixed.add(out);
  return out;
}

/** A run requirement as "what is missing: the fix", the fix in Pulumi terms when there is one. */
export function describeFinding(f: Finding): string {
  const fix = RUN_REQUIREMENT_FIXES[f.check]?.(f) ?? f.fix;
  return fix ? `${f.detail}: ${fix}` : f.detail;
}
