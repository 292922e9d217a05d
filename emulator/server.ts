import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Clock } from "./clock";
import { type FaultRule, FaultRuleJsonSchema, Faults } from "./faults";
import { type Principal, type Request, type Response, type Route, errorFor } from "./http";
import { accountRoutes } from "./routes/account";
import { monitoringRoutes } from "./routes/monitoring";
import { orchestrationRoutes } from "./routes/orchestration";
import { processingRoutes } from "./routes/processing";
import { securityRoutes } from "./routes/security";
import { DEFAULT_TASKS_AND_PLANS_EDIT, type Seed, type SeedTask, type SeedTaskRun, SeedTaskRunSchema, type SeedUser, defaultSeed } from "./seed";
import { type EmulatorState, Store } from "./state";

export type Family = "account" | "security" | "orchestration" | "processing" | "monitoring";

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: Seed;
  /** The ID the emulator gives "Tasks and Plans - Edit" (unpublished; an emulator invention). Default TMC_TASKS_AND_PLANS_EDIT. */
  tasksAndPlansEditPermission?: string;
  /** Service-account token lifetime on the emulator's clock. Default 1800. */
  tokenLifetimeSeconds?: number;
  /** Requests per minute per API family (fixed one-minute windows); over it → 429 with Retry-After. Off by default. */
  rateLimitPerMinute?: Partial<Record<Family, number>>;
  /** Seeds the generator behind probabilistic faults. */
  randomSeed?: number;
}

export interface RequestRecord {
  seq: number;
  /** Emulator clock, ms. */
  at: number;
  method: string;
  path: string;
  /** Query parameters; values of parameters whose names look like credentials are redacted. */
  query: Record<string, string>;
  /** What the client got: 0 when the connection was reset or left hanging. */
  status: number;
  principal: { kind: "pat" | "service-account" | "none"; id?: string };
  fault?: string;
  talendVersion?: string;
}

export interface TalendEmulator {
  url: string;
  clock: { now(): number; advance(ms: number): void };
  faults: { add(rule: FaultRule): void; clear(): void };
  requests(): RequestRecord[];
  clearRequests(): void;
  /**
   * Calls `listener` with each request once its outcome is known (answered, reset, or left hanging by a fault),
   * right after the client was answered; returns the function that stops it. For tests that act on what a
   * client does, instead of polling the log.
   */
  onRequest(listener: (r: RequestRecord) => void): () => void;
  /** The first request `match` accepts whose outcome is known, already in the log or still to come; rejects after `timeoutMs` (default 60 s). */
  waitForRequest(match: (r: RequestRecord) => boolean, timeoutMs?: number): Promise<RequestRecord>;
  /**
   * Calls `listener` synchronously as soon as the answer to an API request has been handed to the network (not
   * for a reset or hung connection): a deterministic hook for crash tests that kill the client right after
   * Talend answered. Returns the function that removes it.
   */
  onAnswered(listener: (record: RequestRecord) => void): () => void;
  /** Deep copy of the tenant, service-account secrets included (a test tool: never expose it). */
  state(): EmulatorState;
  /** Changes made "behind the program's back", for drift tests. They throw on unknown ids. */
  admin: {
    updateServiceAccount(id: string, patch: { name?: string; permissions?: string[] }): void;
    deleteServiceAccount(id: string): void;
    setWorkspacePermission(workspaceId: string, serviceAccountId: string, permissions: string[] | null): void;
    addTask(task: SeedTask): string;
    setTaskRun(taskId: string, run: Partial<SeedTaskRun>): void;
    addUser(user: SeedUser): void;
  };
  close(): Promise<void>;
}

/** Every route the emulator serves; tools/gen-contract.ts takes the endpoints of the test contract from it. */
export const ROUTES: Route[] = [...accountRoutes, ...securityRoutes, ...orchestrationRoutes, ...processingRoutes, ...monitoringRoutes];
const COMPILED = ROUTES.map((route) => ({ route, re: new RegExp(`^${route.pattern.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`) }));
const INVALID_JSON = Symbol("invalid-json");
/** Query parameters whose values never reach the request log. */
const SENSITIVE = /token|secret|passw|key|auth|^pat$/i;

/** Resolves after `ms`, or as soon as the client's connection closes; never keeps the process alive. */
function heldUntil(ms: number, socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms).unref();
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<TalendEmulator> {
  const clock = new Clock();
  const store = new Store(opts.seed ?? defaultSeed(), clock, opts.tasksAndPlansEditPermission ?? DEFAULT_TASKS_AND_PLANS_EDIT, opts.tokenLifetimeSeconds ?? 1800);
  const faults = new Faults(opts.randomSeed ?? 1);
  const log: RequestRecord[] = [];
  let seq = 0;
  /** Records whose outcome is known; the others are still being handled. */
  const settled = new WeakSet<RequestRecord>();
  const listeners = new Set<(r: RequestRecord) => void>();
  /** Waiters to reject when the emulator closes. */
  const closing = new Set<() => void>();
  const settle = (record: RequestRecord) => {
    settled.add(record);
    for (const listener of [...listeners]) listener(structuredClone(record));
  };
  const windows = new Map<string, { start: number; count: number }>();
  const sockets = new Set<Socket>();
  const answeredListeners = new Set<(record: RequestRecord) => void>();
  let baseUrl = "";

  const admin: TalendEmulator["admin"] = {
    updateServiceAccount: (id, patch) => void store.updateServiceAccount(id, patch),
    deleteServiceAccount: (id) => store.deleteServiceAccount(id),
    setWorkspacePermission: (ws, sa, perms) => store.setGrant(ws, sa, perms),
    addTask: (t) => store.addTask(t),
    setTaskRun: (id, run) => {
      const t = store.tasks.find((x) => x.id === id);
      if (!t) throw new Error(`no task ${id}`);
      t.run = SeedTaskRunSchema.parse({ ...t.run, ...run });
    },
    addUser: (u) => store.addUser(u),
  };

  /** Bearer PAT or service-account token; undefined header, unknown or expired token → none (401). */
  function authenticate(header: string | undefined): Principal {
    const token = /^bearer /i.test(header ?? "") ? header!.slice(7).trim() : undefined;
    if (!token) return { kind: "none" };
    const user = store.users.find((u) => u.pat === token);
    if (user) return { kind: "pat", user };
    const t = store.tokens.get(token);
    if (!t) return { kind: "none" };
    if (t.expiresAt <= clock.now()) {
      store.tokens.delete(token);
      return { kind: "none" };
    }
    return { kind: "service-account", token: t };
  }

  /** Seconds until the family's window reopens, when this request is over its limit. */
  function rateLimited(path: string): number | undefined {
    const family = path.split("/")[1] ?? "";
    const limit = opts.rateLimitPerMinute?.[family as Family];
    if (!limit) return undefined;
    const now = clock.now();
    const w = windows.get(family) ?? { start: now, count: 0 };
    if (now - w.start >= 60_000) Object.assign(w, { start: now, count: 0 });
    windows.set(family, w);
    return ++w.count > limit ? Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)) : undefined;
  }

  function dispatch(method: string, url: URL, body: unknown, headers: IncomingMessage["headers"]): { response: Response; principal: Principal } {
    const path = url.pathname;
    const apiError = errorFor(path);
    const principal = authenticate(typeof headers.authorization === "string" ? headers.authorization : undefined);
    const candidates = COMPILED.map((c) => ({ c, m: c.re.exec(path) })).filter((x) => x.m);
    const match = candidates.find((x) => x.c.route.method === method);
    if (!match) return { response: candidates.length ? apiError(405, "Method Not Allowed") : apiError(404, `No endpoint ${method} ${path}`), principal };
    if (match.c.route.auth !== false && principal.kind === "none") return { response: apiError(401, "Bearer token is invalid or missing"), principal };
    if (body === INVALID_JSON) return { response: apiError(400, "Malformed JSON body"), principal };
    if (principal.kind === "service-account") {
      // Volatile on purpose (SA-SPEC): every call with one of its tokens moves these.
      const sa = store.serviceAccounts.get(principal.token.serviceAccountId);
      if (sa) Object.assign(sa, { lastUsedDate: clock.iso(), lastUsedApi: `${method} ${path}` });
    }
    const req: Request = { method, path, params: { ...match.m!.groups }, query: url.searchParams, body, headers, principal, store, baseUrl };
    return { response: match.c.route.handle(req), principal };
  }

  function handleAdmin(method: string, path: string, body: unknown, res: ServerResponse): void {
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, payload === undefined ? {} : { "content-type": "application/json" });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    const b = (body ?? {}) as { ms?: unknown; args?: unknown };
    try {
      if (body === INVALID_JSON) return send(400, { status: 400, message: "Malformed JSON body" });
      if (method === "GET" && path === "/_emulator/state") return send(200, store.snapshot());
      if (method === "GET" && path === "/_emulator/requests") return send(200, log);
      if (method === "DELETE" && path === "/_emulator/requests") return (log.length = 0), send(204);
      if (method === "POST" && path === "/_emulator/faults") return faults.add(FaultRuleJsonSchema.parse(body)), send(204);
      if (method === "DELETE" && path === "/_emulator/faults") return faults.clear(), send(204);
      if (method === "POST" && path === "/_emulator/clock/advance") {
        if (typeof b.ms !== "number" || !(b.ms >= 0)) return send(400, { status: 400, message: "body must be {\"ms\": <non-negative number>}" });
        return clock.advance(b.ms), send(200, { now: clock.now() });
      }
      const op = /^\/_emulator\/admin\/(\w+)$/.exec(path)?.[1];
      if (method === "POST" && op && Object.hasOwn(admin, op)) {
        const fn = admin[op as keyof typeof admin] as (...a: unknown[]) => unknown;
        return send(200, { result: fn(...(Array.isArray(b.args) ? b.args : [])) ?? null });
      }
      send(404, { status: 404, message: `no admin endpoint ${method} ${path}` });
    } catch (e) {
      send(400, { status: 400, message: (e as Error).message });
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = (req.method ?? "GET").toUpperCase();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = raw.trim() ? JSON.parse(raw) : undefined;
    } catch {
      body = INVALID_JSON;
    }
    if (url.pathname.startsWith("/_emulator/")) return handleAdmin(method, url.pathname, body, res);

    const query = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, SENSITIVE.test(k) ? "[redacted]" : v]));
    const header = req.headers["talend-version"];
    const record: RequestRecord = { seq: ++seq, at: clock.now(), method, path: url.pathname, query, status: 0, principal: { kind: "none" } };
    const talendVersion = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("talendVersion") ?? undefined;
    if (talendVersion) record.talendVersion = talendVersion;
    log.push(record);
    if (answeredListeners.size) res.once("finish", () => answeredListeners.forEach((l) => l(record)));

    const apiError = errorFor(url.pathname);
    const write = (r: Response) => {
      record.status = r.status;
      const text = r.body === undefined ? "" : JSON.stringify(r.body);
      // Date follows the emulator's clock, as a real server's follows its own: clients read Talend time from it.
      res.writeHead(r.status, { date: new Date(clock.now()).toUTCString(), ...(text && { "content-type": "application/json" }), ...r.headers });
      res.end(text);
      settle(record);
    };
    const writeRaw = (status: number, text: string, contentType = "application/json") => {
      record.status = status;
      res.writeHead(status, { date: new Date(clock.now()).toUTCString(), "content-type": contentType });
      res.end(text);
      settle(record);
    };

    const fault = faults.match(method, url.pathname);
    if (fault) record.fault = fault.kind;
    switch (fault?.kind) {
      case "latency":
        await new Promise((r) => setTimeout(r, fault.latencyMs ?? 100));
        break;
      case "reset":
        req.socket.destroy();
        return settle(record);
      case "hang":
        return settle(record); // the socket is destroyed by close()
      case "status":
        return write({ ...apiError(fault.status ?? 503, "Injected fault"), headers: fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined });
      case "body":
        return writeRaw(fault.status ?? 200, fault.body ?? "", fault.contentType);
    }
    const retryAfter = rateLimited(url.pathname);
    if (retryAfter !== undefined) return write({ ...apiError(429, "Too many requests"), headers: { "retry-after": String(retryAfter) } });

    const { response, principal: p } = dispatch(method, url, body, req.headers);
    record.principal = p.kind === "pat" ? { kind: "pat", id: p.user.id } : p.kind === "service-account" ? { kind: "service-account", id: p.token.serviceAccountId } : { kind: "none" };
    if (url.pathname === "/security/oauth/token" && response.status === 200) {
      const minted = store.tokens.get((response.body as { access_token: string }).access_token);
      record.principal = { kind: "service-account", id: minted?.serviceAccountId };
    }
    if (fault?.kind === "held-answer") {
      await heldUntil(fault.latencyMs ?? 100, req.socket);
      if (req.socket.destroyed) return; // the client went away: it got nothing (status 0)
    }
    if (fault?.kind === "after-commit") {
      // The effect stays; the client never learns of it.
      if (fault.status === 0) {
        req.socket.destroy();
        return settle(record);
      }
      if (fault.body !== undefined) return writeRaw(fault.status ?? 200, fault.body, fault.contentType);
      return write(apiError(fault.status ?? 502, "Injected fault after commit"));
    }
    write(response);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e: Error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: 500, message: `emulator error: ${e.message}`, requestId: randomUUID() }));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? "127.0.0.1";
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url: baseUrl,
    clock: { now: () => clock.now(), advance: (ms) => clock.advance(ms) },
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    requests: () => structuredClone(log),
    clearRequests: () => void (log.length = 0),
    onRequest: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    waitForRequest: (match, timeoutMs = 60_000) =>
      new Promise<RequestRecord>((resolve, reject) => {
        const found = log.find((r) => settled.has(r) && match(structuredClone(r)));
        if (found) return resolve(structuredClone(found));
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`emulator: no matching request within ${timeoutMs} ms (last: ${log.slice(-3).map((r) => `${r.method} ${r.path} ${r.status}`).join("; ") || "none"})`));
        }, timeoutMs);
        const stop = () => {
          clearTimeout(timer);
          listeners.delete(listener);
          closing.delete(abandon);
        };
        const listener = (r: RequestRecord) => {
          if (!match(r)) return;
          stop();
          resolve(r);
        };
        const abandon = () => {
          stop();
          reject(new Error("emulator: closed while a test waited for a request"));
        };
        listeners.add(listener);
        closing.add(abandon);
      }),
    onAnswered: (listener) => (answeredListeners.add(listener), () => void answeredListeners.delete(listener)),
    state: () => store.snapshot(),
    admin,
    close: () =>
      new Promise<void>((resolve) => {
        for (const abandon of [...closing]) abandon();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
