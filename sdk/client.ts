import type { z } from "zod";
import type { Clock } from "./clock";
import { TalendError, hintFor } from "./errors";
import { EnvironmentsApi } from "./environments";
import { ExecutionLogsApi } from "./execution-logs";
import { ExecutionsApi } from "./executions";
import { TokenResponseSchema } from "./oauth";
import { registerSecret } from "./redact";
import { baseUrlFor } from "./regions";
import { ServiceAccountsApi } from "./service-accounts";
import { TasksApi } from "./tasks";
import { type AccessToken, type TokenCache, sharedTokenCacheFor } from "./token-cache";
import { type ApiRequest, type ApiResponse, Transport, type TransportOptions } from "./transport";
import { WorkspacePermissionsApi } from "./workspace-permissions";
import { WorkspacesApi } from "./workspaces";

/** Who the client acts as: a personal access token, or a service account's OAuth client credentials. */
export type Credentials = { token: string } | { clientId: string; clientSecret: string };

export interface TalendClientOptions extends Omit<TransportOptions, "baseUrl"> {
  /** eu, us, us-west, ap or au; ignored when `endpoint` is set. Default eu. */
  region?: string;
  /** Explicit API base URL (emulator, proxy). */
  endpoint?: string;
  credentials: Credentials;
  /** Service-account token cache; defaults to one shared by the whole process (per clock). */
  tokenCache?: TokenCache;
  /** Share an existing transport (connection pool, rate limiter, clock) instead of creating one. */
  transport?: Transport;
  /**
   * The read `serverTime()` sends when no response has given Talend's time yet; by default the permission
   * catalogue (GET /account/service-accounts/permissions). A caller that reads something anyway, and keeps the
   * answer, passes that read: the probe then costs no request of its own.
   */
  clockProbe?: () => Promise<unknown>;
}

/**
 * Typed client for the Talend Cloud public API (version 2021-03). One instance per credential; families of
 * endpoints hang off it (`client.serviceAccounts.create(...)`). Responses are validated with zod at the
 * boundary; every failure is a `TalendError` whose message is redacted and names the request and the fix.
 */
export class TalendClient {
  readonly baseUrl: string;
  readonly transport: Transport;
  readonly tokenCache: TokenCache;
  /** The transport's clock: token lifetimes and `serverTime()` are read from it. */
  readonly clock: Clock;
  readonly serviceAccounts = new ServiceAccountsApi(this);
  readonly workspacePermissions = new WorkspacePermissionsApi(this);
  readonly environments = new EnvironmentsApi(this);
  readonly workspaces = new WorkspacesApi(this);
  readonly tasks = new TasksApi(this);
  readonly executions = new ExecutionsApi(this);
  readonly executionLogs = new ExecutionLogsApi(this);
  private readonly credentials: Credentials;
  private readonly options: TalendClientOptions;

  constructor(options: TalendClientOptions) {
    this.options = options;
    this.credentials = validateCredentials(options.credentials);
    this.baseUrl = options.transport?.baseUrl ?? baseUrlFor(options);
    this.transport = options.transport ?? new Transport({ ...options, baseUrl: this.baseUrl });
    this.clock = this.transport.clock;
    this.tokenCache = options.tokenCache ?? sharedTokenCacheFor(this.clock);
  }

  /** A client acting as a service account, sharing this client's connection pool and token cache. */
  asServiceAccount(clientId: string, clientSecret: string): TalendClient {
    return new TalendClient({ ...this.options, credentials: { clientId, clientSecret }, transport: this.transport, tokenCache: this.tokenCache });
  }

  /** The service account this client acts as, if any. */
  get serviceAccountId(): string | undefined {
    return "clientId" in this.credentials ? this.credentials.clientId : undefined;
  }

  /**
   * Mints a token for a service account (POST /security/oauth/token). Minting has no side effect, so it is
   * retried like a read. The audience is the API base URL the token is for. Most callers want `accessToken()`,
   * which caches.
   */
  async mintToken(clientId: string, clientSecret: string): Promise<AccessToken> {
    const mintedAt = this.clock.now();
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
    registerSecret(basic);
    const res = await this.transport.send(
      { method: "POST", path: "/security/oauth/token", body: { audience: this.baseUrl, grant_type: "client_credentials" }, idempotent: true },
      `Basic ${basic}`,
    );
    const token = this.parse(TokenResponseSchema, res, "POST", "/security/oauth/token");
    registerSecret(token.access_token);
    const lifetimeSeconds = Number(token.expires_in ?? 1800);
    return { accessToken: token.access_token, mintedAt, expiresAt: mintedAt + (Number.isFinite(lifetimeSeconds) ? lifetimeSeconds : 1800) * 1000 };
  }

  /** A valid access token for this client's service account, from the cache when fresh enough. */
  async accessToken(): Promise<AccessToken> {
    const c = this.credentials;
    if (!("clientId" in c)) throw new TalendError({ kind: "config", message: "a personal access token has no service-account token" });
    return this.tokenCache.get(this.cacheKey(c.clientId), () => this.mintToken(c.clientId, c.clientSecret));
  }

  /** Tokens of this service account minted before now no longer reflect its permissions. */
  markPermissionsChanged(serviceAccountId: string): void {
    this.tokenCache.markPermissionsChanged(this.cacheKey(serviceAccountId));
  }

  /**
   * Sends a request with this client's credentials and validates the 2xx body against `schema`.
   * A service-account token is re-minted once on 401 (expired or revoked) and once on 403 when the token
   * predates a known permission change of its account (tokens snapshot permissions at mint time).
   */
  async request<S extends z.ZodType>(req: ApiRequest, schema: S): Promise<z.infer<S>>;
  async request(req: ApiRequest): Promise<undefined>;
  async request(req: ApiRequest, schema?: z.ZodType): Promise<unknown> {
    let token = await this.authorization();
    let res = await this.transport.send(req, token.header);
    if (token.sa && (res.status === 401 || (res.status === 403 && this.tokenCache.isStale(token.sa.key, token.sa.token)))) {
      this.tokenCache.invalidate(token.sa.key);
      token = await this.authorization();
      res = await this.transport.send(req, token.header);
    }
    if (res.status >= 400) throw errorFromResponse(res, { ...req, serviceAccountId: this.serviceAccountId });
    return schema ? this.parse(schema, res, req.method, req.path) : undefined;
  }

  /**
   * Talend's current time (epoch ms), never ahead of it: read from the Date headers of earlier responses, or of
   * one cheap read when there was none. Records that are compared with Talend's own timestamps (createdDate,
   * triggerTimestamp) use it, so a client clock that is off does not shift them.
   */
  async serverTime(): Promise<number> {
    if (this.transport.serverClockOffsetMs === undefined) {
      // Callers that start together share one probe.
      this.probing ??= (this.options.clockProbe?.() ?? this.serviceAccounts.permissionCatalog()).finally(() => (this.probing = undefined));
      await this.probing;
    }
    return this.clock.now() + (this.transport.serverClockOffsetMs ?? 0);
  }
  private probing?: Promise<unknown>;

  async close(): Promise<void> {
    if (!this.options.transport) await this.transport.close();
  }

  private async authorization(): Promise<{ header: string; sa?: { key: string; token: AccessToken } }> {
    const c = this.credentials;
    if ("token" in c) return { header: `Bearer ${c.token}` };
    const token = await this.accessToken();
    return { header: `Bearer ${token.accessToken}`, sa: { key: this.cacheKey(c.clientId), token } };
  }

  private cacheKey(clientId: string): string {
    return `${this.baseUrl}|${clientId}`;
  }

  private parse<S extends z.ZodType>(schema: S, res: ApiResponse, method: string, path: string): z.infer<S> {
    if (res.status >= 400) throw errorFromResponse(res, { method, path });
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`)
      .join("; ");
    const what = res.body === undefined ? `a non-JSON body (${res.text.length} bytes: ${JSON.stringify(res.text.slice(0, 80))})` : issues;
    throw new TalendError({
      kind: "invalid-response",
      status: res.status,
      method,
      path,
      message: `unexpected response: ${what}`,
      hint: "the API answered with a shape this client does not understand; retry, and report it if it persists",
    });
  }
}

function validateCredentials(c: Credentials): Credentials {
  if ("token" in c) {
    if (!c.token || /\s/.test(c.token)) throw new TalendError({ kind: "config", message: "the personal access token is empty or contains whitespace", hint: "pass the personal access token alone (credentials: { token }), without \"Bearer \" or line breaks" });
    registerSecret(c.token);
  } else {
    if (!c.clientId || !c.clientSecret) throw new TalendError({ kind: "config", message: "service-account credentials need both clientId and clientSecret" });
    registerSecret(c.clientSecret);
  }
  return c;
}

/** Turns an error status into a TalendError with Talend's message, its requestId and an actionable hint. */
export function errorFromResponse(res: ApiResponse, req: { method: string; path: string; serviceAccountId?: string }): TalendError {
  const body = (typeof res.body === "object" && res.body !== null ? res.body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v ? v.slice(0, 500) : undefined);
  const header = res.headers["x-request-id"];
  return new TalendError({
    kind: "http",
    status: res.status,
    method: req.method,
    path: req.path,
    serviceAccountId: req.serviceAccountId,
    message: `${res.status} ${STATUS_TEXT[res.status] ?? "Error"}`,
    detail: str(body.message) ?? str(body.detail) ?? (res.body === undefined && res.text ? `non-JSON body: ${JSON.stringify(res.text.slice(0, 80))}` : undefined),
    requestId: str(body.requestId) ?? (typeof header === "string" ? header : undefined),
    hint: hintFor(res.status, req.method, req.path),
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};
