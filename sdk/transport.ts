import type { Dispatcher } from "undici";

/**
 * undici, loaded at the first request: it takes ~40 ms to load, on the critical path of every preview's first
 * check, and a preview with nothing new to validate sends no request from the provider.
 */
let undici: typeof import("undici") | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadUndici = (): typeof import("undici") => (undici ??= require("undici") as typeof import("undici"));
import { type Clock, systemClock } from "./clock";
import { TalendError } from "./errors";
import { type ApiFamily, DOCUMENTED_LIMITS_PER_MINUTE, RateLimiter, familyOf } from "./rate-limiter";
import { redact } from "./redact";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RetryPolicy {
  /** Attempts in all, first one included. */
  maxAttempts: number;
  /** No retry starts after this much time since the first attempt. */
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is capped to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, maxElapsedMs: 120_000, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

export interface TransportOptions {
  baseUrl: string;
  /** undici dispatcher; defaults to one shared keep-alive Agent per transport. */
  dispatcher?: Dispatcher;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: Partial<RetryPolicy>;
  /** Requests per minute per API family; `false` disables client-side limiting. */
  rateLimits?: Partial<Record<ApiFamily, number>> | false;
  /** Larger bodies are refused rather than buffered. */
  maxResponseBytes?: number;
  /** Receives one redacted line per attempt and outcome. Defaults to stderr when TALEND_DEBUG is set. */
  logger?: (line: string) => void;
  /** Time for retry budgets, rate limiting and Talend's clock offset. Default: the system clock. */
  clock?: Clock;
  /** Waits between attempts and for the rate limiter; defaults to the clock's `sleep`. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiRequest {
  method: HttpMethod;
  /** Already encoded (see `path` in paths.ts). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether sending this request twice is harmless. Defaults to true except for POST: a POST that may have
   * reached the server is never retried blindly — the failure comes back as kind "ambiguous" and its caller
   * reconciles (e.g. lists by name after a create).
   */
  idempotent?: boolean;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  text: string;
  attempts: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Gateway and server failures that say nothing about whether a POST took effect (501 etc. are definite). */
const AMBIGUOUS_STATUS = new Set([500, 502, 503, 504]);
/** Errors raised before a single byte was sent: safe to retry whatever the method. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/** Sends one logical request: rate limit, timeouts, retries with backoff and Retry-After. Knows nothing of auth. */
export class Transport {
  readonly baseUrl: string;
  readonly clock: Clock;
  private dispatcherInUse?: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeouts: TransportOptions["timeouts"];
  private readonly retry: RetryPolicy;
  private readonly limiter: RateLimiter;
  private readonly maxResponseBytes: number;
  private readonly log?: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: TransportOptions) {
    this.baseUrl = opts.baseUrl;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcherInUse = opts.dispatcher;
    this.timeouts = opts.timeouts;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    const clock = (this.clock = opts.clock ?? systemClock);
    this.sleep = opts.sleep ?? ((ms) => clock.sleep(ms));
    this.limiter = new RateLimiter(opts.rateLimits === false ? {} : { ...DOCUMENTED_LIMITS_PER_MINUTE, ...opts.rateLimits }, () => clock.now(), this.sleep);
    this.maxResponseBytes = opts.maxResponseBytes ?? 8 * 1024 * 1024;
    this.log = opts.logger ?? (process.env.TALEND_DEBUG ? (line) => process.stderr.write(`[talend] ${line}\n`) : undefined);
  }

  /**
   * Talend's clock minus ours, as a lower bound: a Date header is truncated to the second and written before
   * we read it, so every sample underestimates and the largest is the closest. Undefined until a response.
   */
  serverClockOffsetMs?: number;

  private sampleServerTime(date: unknown): void {
    const at = typeof date === "string" ? Date.parse(date) : NaN;
    if (Number.isFinite(at)) this.serverClockOffsetMs = Math.max(this.serverClockOffsetMs ?? -Infinity, at - this.clock.now());
  }

  async send(req: ApiRequest, authorization?: string): Promise<ApiResponse> {
    const idempotent = req.idempotent ?? req.method !== "POST";
    const url = this.baseUrl + req.path + queryString(req.query);
    const family = familyOf(req.path);
    const started = this.clock.now();
    const headers: Record<string, string> = { accept: "application/json", "talend-version": "2021-03", ...req.headers };
    if (authorization) headers.authorization = authorization;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }

    for (let attempt = 1; ; attempt++) {
      await this.limiter.take(family);
      this.log?.(redact(`-> ${req.method} ${req.path} (attempt ${attempt})`));
      let outcome: { response: ApiResponse } | { error: unknown; sent: boolean };
      try {
        const res = await loadUndici().request(url, { method: req.method, headers, body, dispatcher: this.dispatcher });
        const text = await readLimited(res.body, this.maxResponseBytes, req.method, req.path);
        this.sampleServerTime(res.headers.date);
        outcome = { response: { status: res.statusCode, headers: res.headers, body: parseJson(text), text, attempts: attempt } };
      } catch (error) {
        if (error instanceof TalendError) throw error;
        outcome = { error, sent: !NOT_SENT_CODES.has(errorCode(error)) };
      }

      const retryable = "response" in outcome ? RETRYABLE_STATUS.has(outcome.response.status) : true;
      // A POST the server may have acted on is the caller's to reconcile; 429 means it was rejected unseen.
      const mayRetryThisMethod =
        idempotent || ("response" in outcome ? outcome.response.status === 429 : !outcome.sent);
      const delay = "response" in outcome ? this.delayFor(attempt, outcome.response.headers["retry-after"]) : this.delayFor(attempt);
      const withinBudget = attempt < this.retry.maxAttempts && this.clock.now() - started + delay <= this.retry.maxElapsedMs;

      if ("response" in outcome) {
        this.log?.(`<- ${outcome.response.status} ${req.method} ${req.path} in ${this.clock.now() - started} ms`);
        if (!(retryable && mayRetryThisMethod && withinBudget)) {
          if (!idempotent && AMBIGUOUS_STATUS.has(outcome.response.status)) throw ambiguous(req, `answered ${outcome.response.status}`, outcome.response.status);
          return outcome.response;
        }
      } else {
        this.log?.(redact(`<- ${describe(outcome.error)} ${req.method} ${req.path}`));
        if (!(mayRetryThisMethod && withinBudget)) {
          if (!idempotent && outcome.sent) throw ambiguous(req, `lost its response (${describe(outcome.error)})`);
          throw connectionError(req, outcome.error, attempt);
        }
      }
      await this.sleep(delay);
    }
  }

  /** Retry-After (seconds or HTTP date) when given, else exponential backoff with up to 25 % jitter. */
  delayFor(attempt: number, retryAfter?: string | string[]): number {
    const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
    if (header) {
      const seconds = Number(header);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - this.clock.now();
      if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), this.retry.maxRetryAfterMs);
    }
    const exp = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
    return Math.round(exp * (1 - Math.random() * 0.25));
  }

  /** The given dispatcher, else one keep-alive Agent of this transport's own, made at the first request. */
  private get dispatcher(): Dispatcher {
    return (this.dispatcherInUse ??= new (loadUndici().Agent)({
      keepAliveTimeout: 10_000,
      connections: 64,
      connect: { timeout: this.timeouts?.connectMs ?? 10_000 },
      headersTimeout: this.timeouts?.headersMs ?? 60_000,
      bodyTimeout: this.timeouts?.bodyMs ?? 60_000,
    }));
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcherInUse) await this.dispatcherInUse.close();
  }
}

function queryString(query?: ApiRequest["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number, method: string, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new TalendError({ kind: "invalid-response", method, path, message: `response body exceeds ${limit} bytes; refused` });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? "";
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}

function ambiguous(req: ApiRequest, what: string, status?: number): TalendError {
  return new TalendError({
    kind: "ambiguous",
    method: req.method,
    path: req.path,
    status,
    message: `the request ${what}; it may or may not have taken effect`,
    hint: "the caller reconciles by reading the current state before trying again",
  });
}

function connectionError(req: ApiRequest, error: unknown, attempts: number): TalendError {
  const code = errorCode(error);
  const timeout = /TIMEOUT/i.test(code);
  return new TalendError({
    kind: timeout ? "timeout" : "connection",
    method: req.method,
    path: req.path,
    message: `${timeout ? "timed out" : "connection failed"} after ${attempts} attempt(s): ${describe(error)}`,
    hint: "check the region (or endpoint) and network access to the Talend API",
    cause: error,
  });
}
