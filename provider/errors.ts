// Decisions the provider makes itself, as opposed to what Talend answered (a TalendError, sdk/errors.ts): each
// with a stable code, its message and its fix, once. error-fixes.ts gives Talend's answers their Pulumi fixes and
// reuses a fix from here where the remedy is the same.
import { redact } from "../sdk";

/**
 * The provider's own errors by code. A message takes strings only (callers format lists), so that the reference
 * (tools/gen-docs.ts) can print each message with "…" for the values.
 */
export const PROVIDER_ERRORS = {
  /** Creating a ServiceAccount: an account of that name exists, and it is not one this resource created. */
  "account-name-taken": {
    message: (a: { name: string }) => `ServiceAccount: an account named "${a.name}" already exists in Talend`,
    fix: "set adoptExisting: true to manage the existing account (its secret cannot be recovered), choose another name, or set uniqueSuffix: true",
  },
  /** Renaming a ServiceAccount: Talend refused the new name, which another account holds. */
  "account-rename-taken": {
    message: (a: { id: string; from: string; to: string }) => `ServiceAccount "${a.from}" (${a.id}): cannot rename it to "${a.to}": another account in Talend has that name`,
    fix: "choose another name, or rename or delete the other account in Talend Management Console first",
  },
  /** Updating a ServiceAccount that was deleted in Talend since the last refresh. */
  "account-gone": {
    message: (a: { id: string; name: string }) => `ServiceAccount "${a.name}" (${a.id}) no longer exists in Talend`,
    fix: "run `pulumi refresh` so that the next `pulumi up` creates it again",
  },
  /** Granting a WorkspacePermission: the account already holds another set of permissions on the workspace. */
  "grant-held": {
    message: (a: { serviceAccountId: string; workspaceId: string; held: string }) => `WorkspacePermission: service account ${a.serviceAccountId} already has ${a.held} on workspace ${a.workspaceId}`,
    fix: "set adoptExisting: true to manage the existing permissions (the declared set replaces them)",
  },
} as const satisfies Record<string, { message: (args: never) => string; fix: string }>;

export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS;
export type ProviderErrorArgs<C extends ProviderErrorCode> = Parameters<(typeof PROVIDER_ERRORS)[C]["message"]>[0];

/**
 * A decision of the provider, with its code and fix from PROVIDER_ERRORS. It carries no HTTP status: when a Talend
 * answer led to it, that answer is the `cause`. The message reads like a TalendError's: what, then "Fix:".
 */
export class ProviderError<C extends ProviderErrorCode = ProviderErrorCode> extends Error {
  readonly code: C;
  readonly fix: string;

  constructor(code: C, args: ProviderErrorArgs<C>, options?: { cause?: unknown }) {
    const entry = PROVIDER_ERRORS[code];
    const message = (entry.message as (a: ProviderErrorArgs<C>) => string)(args);
    super(redact(`${message}\nFix: ${entry.fix}`), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.code = code;
    this.fix = entry.fix;
  }
}
