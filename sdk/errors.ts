import { redact } from "./redact";

/**
 * What went wrong, in words a caller can branch on:
 * - `http`: the API answered with an error status;
 * - `connection` / `timeout`: no answer at all;
 * - `ambiguous`: a non-idempotent request (POST) may or may not have taken effect — the caller must reconcile;
 * - `invalid-response`: the API answered 2xx with a body that does not match its documented shape;
 * - `config`: the client was configured wrongly (missing credentials, bad region, ...);
 * - `not-found-lookup` / `ambiguous-lookup`: a lookup by name found zero or several matches.
 */
export type TalendErrorKind =
  | "http"
  | "connection"
  | "timeout"
  | "ambiguous"
  | "invalid-response"
  | "config"
  | "not-found-lookup"
  | "ambiguous-lookup";

export interface TalendErrorInit {
  kind: TalendErrorKind;
  message: string;
  status?: number;
  method?: string;
  path?: string;
  requestId?: string;
  detail?: string;
  hint?: string;
  cause?: unknown;
}

/** The one error type of the SDK. Its message is always redacted and names the request and the fix. */
export class TalendError extends Error {
  readonly kind: TalendErrorKind;
  readonly status?: number;
  readonly method?: string;
  readonly path?: string;
  readonly requestId?: string;
  readonly detail?: string;
  readonly hint?: string;

  constructor(init: TalendErrorInit) {
    const where = init.method && init.path ? `${init.method} ${init.path}` : undefined;
    const parts = [
      where ? `Talend API ${where}: ${init.message}` : init.message,
      init.detail && init.detail !== init.message ? `— ${init.detail}` : undefined,
      init.requestId ? `(requestId ${init.requestId})` : undefined,
    ].filter(Boolean);
    let message = parts.join(" ");
    if (init.hint) message += `\nFix: ${init.hint}`;
    super(redact(message));
    this.name = "TalendError";
    this.kind = init.kind;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
    this.detail = init.detail === undefined ? undefined : redact(init.detail);
    this.hint = init.hint;
  }

  get isNotFound(): boolean {
    return this.kind === "http" && this.status === 404;
  }
  get isConflict(): boolean {
    return this.kind === "http" && this.status === 409;
  }
  get isForbidden(): boolean {
    return this.kind === "http" && this.status === 403;
  }
}

export function isTalendError(e: unknown, status?: number): e is TalendError {
  return e instanceof TalendError && (status === undefined || e.status === status);
}

/** Permissions each API family requires of the caller, used to turn a bare 403 into an actionable fix. */
const REQUIRED_PERMISSION: Array<[RegExp, string]> = [
  [/^\/account\/service-accounts/, "the account permission TMC_SERVICE_ACCOUNT_MANAGEMENT (\"Service Account - Manage\")"],
  [/^\/security\/(workspaces|service-accounts)/, "the account permission TMC_USER_MANAGEMENT (\"Users - Manage\")"],
  [
    /^\/processing\/executions$/,
    "(TMC_ENGINE_USE or TMC_OPERATOR) and \"Tasks and Plans - Edit\" on the account, EXECUTE on the task's workspace, and a token minted after those were granted",
  ],
  [/^\/processing\//, "VIEW or EXECUTE on the workspace of the execution"],
  [/^\/monitoring\//, "VIEW on the workspace of the execution"],
];

/** An actionable hint for a failed request, or undefined when there is nothing better to say than the message. */
export function hintFor(status: number, method: string, path: string): string | undefined {
  if (status === 401) {
    return path === "/security/oauth/token"
      ? "the service account's client ID or secret is wrong, or the account was deleted; create a new secret (replace the ServiceAccount)"
      : "the token is missing, expired or revoked; check talend:token (or TALEND_TOKEN) and talend:region";
  }
  if (status === 403) {
    const need = REQUIRED_PERMISSION.find(([re]) => re.test(path))?.[1];
    return need ? `the caller needs ${need}` : "the caller lacks a permission for this endpoint";
  }
  if (status === 409) {
    return method === "POST" && path.startsWith("/account/service-accounts")
      ? "a service account with this name already exists; choose another name or set adoptExisting: true"
      : method === "POST" && path.startsWith("/security/workspaces")
        ? "this service account already has permissions on the workspace; set adoptExisting: true to manage them"
        : "the object already exists";
  }
  if (status === 429) return "the API rate limit was hit; the client backs off and retries automatically — reduce parallelism if it persists";
  return undefined;
}

/**
 * True when a non-idempotent request may have taken effect although no usable answer came back: the response
 * was lost (kind "ambiguous"), or a 2xx arrived with a body that could not be read.
 */
export function mayHaveTakenEffect(e: unknown): boolean {
  return e instanceof TalendError && (e.kind === "ambiguous" || (e.kind === "invalid-response" && (e.status ?? 0) < 300));
}

/** Deleting what is already gone is success. */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isTalendError(e, 404)) throw e;
  }
}
