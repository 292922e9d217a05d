import { redact } from "./redact";

/**
 * What happened, at the level of the exchange:
 * - `http`: the API answered with an error status;
 * - `connection` / `timeout`: no answer at all;
 * - `ambiguous`: a non-idempotent request (POST) may or may not have taken effect — the caller must reconcile;
 * - `invalid-response`: the API answered 2xx with a body that does not match its documented shape;
 * - `config`: the client was configured wrongly (missing credentials, bad region, ...);
 * - `precondition`: a check made before a request found it would fail, so it was not sent;
 * - `not-found-lookup` / `ambiguous-lookup`: a lookup by name found zero or several matches.
 * `code` (below) says why, in terms stable enough to branch on and to map to fixes.
 */
export type TalendErrorKind =
  | "http"
  | "connection"
  | "timeout"
  | "ambiguous"
  | "invalid-response"
  | "config"
  | "precondition"
  | "not-found-lookup"
  | "ambiguous-lookup";

/**
 * The stable reason of a TalendError, one per remedy. Callers branch on it (`e.code === "name-taken"`) and map
 * it to fixes in their own terms (a Pulumi program, a command line); the SDK's own hints speak of the API only.
 */
export const ERROR_CODES = {
  "invalid-token": "401: the personal access token or service-account token is missing, expired, revoked or for another region",
  "invalid-client": "401 when minting a token: the service account's client ID or secret is wrong, or the account was deleted",
  "missing-permission": "403, or a check before a request: the caller (or the service account to run as) lacks a permission",
  "not-found": "404, or a lookup by name found nothing",
  "ambiguous-name": "a lookup by name found several objects",
  "name-taken": "409 on creating a service account: the name is in use",
  "grant-exists": "409 on granting workspace permissions: the account already has some on that workspace",
  conflict: "any other 409",
  "invalid-request": "400, 405, 422 and other 4xx: the API refused the request as sent",
  "rate-limited": "429 after the client's retries",
  "server-error": "5xx after the client's retries, on a request that is safe to repeat",
  "lost-response": "a non-idempotent request got no usable answer: it may or may not have taken effect",
  unreachable: "no answer: the connection failed or timed out",
  "invalid-response": "2xx with a body this client does not understand (or one too large)",
  "invalid-config": "the client was given unusable settings: credentials, region, endpoint, an identifier",
} as const;
export type TalendErrorCode = keyof typeof ERROR_CODES;

export interface TalendErrorInit {
  kind: TalendErrorKind;
  /** Defaults to the code that kind, status, method and path imply (see `codeOf`). */
  code?: TalendErrorCode;
  message: string;
  status?: number;
  method?: string;
  path?: string;
  /** The service account the request was sent as; absent when it was sent with a personal access token. */
  serviceAccountId?: string;
  requestId?: string;
  detail?: string;
  hint?: string;
  cause?: unknown;
}

/** The one error type of the SDK. Its message is always redacted and names the request and the fix. */
export class TalendError extends Error {
  readonly kind: TalendErrorKind;
  readonly code: TalendErrorCode;
  readonly status?: number;
  readonly method?: string;
  readonly path?: string;
  readonly serviceAccountId?: string;
  readonly requestId?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly #init: TalendErrorInit;

  constructor(init: TalendErrorInit) {
    const where = init.method && init.path ? `${init.method} ${init.path}` : undefined;
    const parts = [
      where ? `Talend API ${where}: ${init.message}` : init.message,
      init.detail && init.detail !== init.message ? `— ${init.detail}` : undefined,
      init.requestId ? `(requestId ${init.requestId})` : undefined,
    ].filter(Boolean);
    let message = parts.join(" ");
    if (init.hint) message += `\nFix: ${init.hint}`;
    super(redact(message), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TalendError";
    this.#init = init;
    this.kind = init.kind;
    this.code = init.code ?? codeOf(init);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.serviceAccountId = init.serviceAccountId;
    this.requestId = init.requestId;
    this.detail = init.detail === undefined ? undefined : redact(init.detail);
    this.hint = init.hint;
  }

  /** The same error with some fields changed (e.g. a caller's own fix as `hint`); code and cause are kept. */
  copyWith(changes: Partial<TalendErrorInit>): TalendError {
    return new TalendError({ ...this.#init, code: this.code, ...changes });
  }
}

/** The code a failure implies when its creator did not give one. */
export function codeOf(init: Pick<TalendErrorInit, "kind" | "status" | "method" | "path">): TalendErrorCode {
  switch (init.kind) {
    case "ambiguous":
      return "lost-response";
    case "connection":
    case "timeout":
      return "unreachable";
    case "invalid-response":
      return "invalid-response";
    case "config":
      return "invalid-config";
    case "precondition":
      return "missing-permission";
    case "not-found-lookup":
      return "not-found";
    case "ambiguous-lookup":
      return "ambiguous-name";
  }
  const { status = 0, method, path = "" } = init;
  if (status === 401) return path === "/security/oauth/token" ? "invalid-client" : "invalid-token";
  if (status === 403) return "missing-permission";
  if (status === 404) return "not-found";
  if (status === 409) {
    if (method === "POST" && path.startsWith("/account/service-accounts")) return "name-taken";
    if (method === "POST" && path.startsWith("/security/workspaces")) return "grant-exists";
    return "conflict";
  }
  if (status === 429) return "rate-limited";
  if (status >= 500) return "server-error";
  return "invalid-request";
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

/** An actionable hint for a failed request, in API terms, or undefined when the message says it all. */
export function hintFor(status: number, method: string, path: string): string | undefined {
  switch (codeOf({ kind: "http", status, method, path })) {
    case "invalid-client":
      return "the service account's client ID or secret is wrong, or the account was deleted; a lost secret cannot be recovered: create a new service account";
    case "invalid-token":
      return "the token is missing, expired or revoked, or was issued for another region; use a valid personal access token for this region's API";
    case "missing-permission": {
      const need = REQUIRED_PERMISSION.find(([re]) => re.test(path))?.[1];
      return need ? `the caller needs ${need}` : "the caller lacks a permission for this endpoint";
    }
    case "name-taken":
      return "a service account with this name already exists; choose another name, or use the existing account (its secret cannot be recovered)";
    case "grant-exists":
      return "this service account already has permissions on the workspace; replace them with PUT instead";
    case "conflict":
      return "the object already exists";
    case "rate-limited":
      return "the API rate limit was hit; the client backs off and retries automatically — send fewer requests in parallel if it persists";
    default:
      return undefined;
  }
}

/**
 * True when a non-idempotent request may have taken effect although no usable answer came back: the response
 * was lost (kind "ambiguous"), or a 2xx arrived with a body that could not be read.
 */
export function mayHaveTakenEffect(e: unknown): boolean {
  return e instanceof TalendError && (e.kind === "ambiguous" || (e.kind === "invalid-response" && (e.status ?? 0) < 300));
}

/** Deleting what is already gone is success; reading it gives undefined. Any other failure is thrown. */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (!isTalendError(e, 404)) throw e;
    return undefined;
  }
}
