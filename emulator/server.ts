import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Clock } from "./clock";
import { type FaultRule, Faults } from "./faults";
import { type Principal, type Request, type Response, type Route, error } from "./http";
import { accountRoutes } from "./routes/account";
import { orchestrationRoutes } from "./routes/orchestration";
import { processingRoutes } from "./routes/processing";
import { securityRoutes } from "./routes/security";
import { DEFAULT_TASKS_AND_PLANS_EDIT, type Seed, type SeedTask, type SeedTaskRun, type SeedUser, defaultSeed } from "./seed";
import { Store } from "./state";

export type Family = "account" | "security" | "orchestration" | "processing" | "monitoring";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  seed?: Seed;
  tasksAndPlansEditPermission?: string;
  tokenLifetimeSeconds?: number;
  /** Requests per minute per API family; over it → 429 with Retry-After. Off by default. */
  rateLimitPerMinute?: Partial<Record<Family, number>>;
  /** Seeds the generator behind probabilistic faults. */
  randomSeed?: number;
}

export interface RequestRecord {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
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
  /** Deep copy of the tenant (service-account secrets included: a test tool). */
  state(): ReturnType<typeof dump>;
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

const ROUTES: Route[] = [...accountRoutes, ...securityRoutes, ...orchestrationRoutes, ...processingRoutes];
const compiled = ROUTES.map((r) => ({ route: r, re: new RegExp(`^${r.pattern.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`) }));

function dump(store: Store) {
  return structuredClone({
    tenantId: store.tenantId,
    catalog: store.catalog,
    users: store.users.map(({ pat: _pat, ...u }) => u),
    environments: store.environments,
    workspaces: store.workspaces,
    tasks: store.tasks,
    serviceAccounts: [...store.serviceAccounts.values()],
    workspacePermissions: [...store.grants.values()],
    executions: store.executions.map((e) => ({ ...e, ...store.statusOf(e) })),
    tokensMinted: store.tokensMinted,
  });
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<TalendEmulator> {
  const clock = new Clock();
  const store = new Store(opts.seed ?? defaultSeed(), clock, opts.tasksAndPlansEditPermission ?? DEFAULT_TASKS_AND_PLANS_EDIT, opts.tokenLifetimeSeconds ?? 1800);
  const faults = new Faults(opts.randomSeed ?? 1);
  const log: RequestRecord[] = [];
  const windows = new Map<Family, { start: number; count: number }>();
  const sockets = new Set<Socket>();
  const admin: TalendEmulator["admin"] = {
    updateServiceAccount: (id, patch) => store.updateServiceAccount(id, patch),
    deleteServiceAccount: (id) => store.deleteServiceAccount(id),
    setWorkspacePermission: (ws, sa, perms) => store.setGrant(ws, sa, perms),
    addTask: (t) => store.addTask(t),
    setTaskRun: (id, run) => {
      const t = store.tasks.find((x) => x.id === id);
      if (!t) throw new Error(`no task ${id}`);
      t.run = { ...t.run, ...run };
    },
    addUser: (u) => store.addUser({ ...u, workspaces: u.workspaces ?? {} }),
  };

  function authenticate(header: string | undefined): Principal | "expired" {
    const token = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
    if (!token) return { kind: "none" };
    const user = store.users.find((u) => u.pat === token);
    if (user) return { kind: "pat", user };
    const t = store.tokens.get(token);
    if (!t) return { kind: "none" };
    if (t.expiresAt <= clock.now()) {
      store.tokens.delete(token);
      return "expired";
    }
    return { kind: "service-account", token: t };
  }

  function rateLimited(path: string): number | undefined {
    const family = path.split("/")[1] as Family;
    const limit = opts.rateLimitPerMinute?.[family];
    if (!limit) return undefined;
    const now = clock.now();
    const w = windows.get(family) ?? { start: now, count: 0 };
    if (now - w.start >= 60_000) Object.assign(w, { start: now, count: 0 });
    windows.set(family, w);
    return ++w.count > limit ? Math.ceil((w.start + 60_000 - now) / 1000) : undefined;
  }

  function dispatch(method: string, path: string, query: URLSearchParams, body: unknown, headers: IncomingMessage["headers"]): { response: Response; principal: Principal } {
    const auth = authenticate(typeof headers.authorization === "string" ? headers.authorization : undefined);
    const principal: Principal = auth === "expired" ? { kind: "none" } : auth;
    const match = compiled.map((c) => ({ c, m: c.re.exec(path) })).find(({ c, m }) => m && c.route.method === method);
    if (!match) {
      const known = compiled.some((c) => c.re.test(path));
      return { response: error(known ? 405 : 404, known ? "Method not allowed" : `No such endpoint: ${path}`), principal };
    }
    if (match.c.route.auth !== false && principal.kind === "none") return { response: { status: 401, body: { status: 401, message: "Bearer token is invalid or missing", requestId: randomUUID() } }, principal };
    if (principal.kind === "service-account") {
      const sa = store.serviceAccounts.get(principal.token.serviceAccountId);
      if (sa) Object.assign(sa, { lastUsedDate: clock.iso(), lastUsedApi: `${method} ${path}` });
    }
    const req: Request = { method, path, params: { ...(match.m?.groups ?? {}) }, query, body, headers, principal, store };
    return { response: match.c.route.handle(req), principal };
  }

  function handleAdmin(method: string, path: string, body: any, res: ServerResponse): void {
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    try {
      if (method === "GET" && path === "/_emulator/state") return send(200, dump(store));
      if (method === "GET" && path === "/_emulator/requests") return send(200, log);
      if (method === "DELETE" && path === "/_emulator/requests") return void (log.length = 0), send(204);
      if (method === "POST" && path === "/_emulator/faults") return faults.add({ ...body, path: body.regex ? new RegExp(body.regex) : body.path }), send(204);
      if (method === "DELETE" && path === "/_emulator/faults") return faults.clear(), send(204);
      if (method === "POST" && path === "/_emulator/clock/advance") return clock.advance(Number(body?.ms ?? 0)), send(204);
      const op = /^\/_emulator\/admin\/(\w+)$/.exec(path)?.[1] as keyof TalendEmulator["admin"] | undefined;
      if (method === "POST" && op && op in admin) return send(200, { result: (admin[op] as (...a: unknown[]) => unknown)(...(Array.isArray(body?.args) ? body.args : [])) ?? null });
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
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = Symbol.for("invalid-json");
    }
    if (url.pathname.startsWith("/_emulator/")) return handleAdmin(method, url.pathname, body, res);

    const record: RequestRecord = { seq: log.length + 1, at: clock.now(), method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, principal: { kind: "none" }, talendVersion: req.headers["talend-version"] as string | undefined };
    log.push(record);
    const fault = faults.match(method, url.pathname);
    if (fault) record.fault = fault.kind;
    const write = (r: Response) => {
      record.status = r.status;
      const text = r.body === undefined ? "" : JSON.stringify(r.body);
      res.writeHead(r.status, { ...(text && { "content-type": "application/json" }), ...r.headers });
      res.end(text);
    };
    if (fault?.kind === "latency") await new Promise((r) => setTimeout(r, fault.latencyMs ?? 100));
    if (fault?.kind === "reset") return void req.socket.destroy();
    if (fault?.kind === "hang") return;
    if (fault?.kind === "status") return write({ ...error(fault.status ?? 503, "Injected fault"), headers: fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined });
    if (fault?.kind === "body") {
      record.status = fault.status ?? 200;
      res.writeHead(record.status, { "content-type": fault.contentType ?? "application/json" });
      return void res.end(fault.body ?? "");
    }
    const retryAfter = rateLimited(url.pathname);
    if (retryAfter !== undefined) return write({ ...error(429, "Too many requests"), headers: { "retry-after": String(retryAfter) } });

    let result: { response: Response; principal: Principal };
    if (body === Symbol.for("invalid-json")) result = { response: error(400, "Malformed JSON body"), principal: { kind: "none" } };
    else result = dispatch(method, url.pathname, url.searchParams, body, req.headers);
    const p = result.principal;
    record.principal = p.kind === "pat" ? { kind: "pat", id: p.user.id } : p.kind === "service-account" ? { kind: "service-account", id: p.token.serviceAccountId } : { kind: "none" };
    if (url.pathname === "/security/oauth/token" && result.response.status === 200) {
      const minted = store.tokens.get((result.response.body as { access_token: string }).access_token);
      record.principal = { kind: "service-account", id: minted?.serviceAccountId };
    }
    if (fault?.kind === "after-commit") {
      // The effect stays; the client never learns of it (or gets an unreadable body).
      if (fault.status === 0) return void req.socket.destroy();
      if (fault.body !== undefined) {
        record.status = fault.status ?? 200;
        res.writeHead(record.status, { "content-type": fault.contentType ?? "application/json" });
        return void res.end(fault.body);
      }
      return write(error(fault.status ?? 502, "Injected fault after commit"));
    }
    write(result.response);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: 500, message: `emulator error: ${(e as Error).message}`, requestId: randomUUID() }));
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
  const address = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${address.port}`,
    clock,
    faults,
    requests: () => log.map((r) => ({ ...r, query: { ...r.query } })),
    clearRequests: () => void (log.length = 0),
    state: () => dump(store),
    admin,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
