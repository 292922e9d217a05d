import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Clock } from "./clock";
import { DEFAULT_TASKS_AND_PLANS_EDIT, DOCUMENTED_CATALOG, type Seed, SeedSchema, type SeedServiceAccount, type SeedTask, SeedTaskSchema, type SeedTaskRun, type SeedUser, SeedUserSchema, WORKSPACE_PERMISSIONS, hexId } from "./seed";

export interface User { id: string; login: string; pat: string; permissions: string[]; workspaces: "*" | Record<string, string[]> }
export interface Environment { id: string; name: string; description?: string; default: boolean }
export interface Workspace { id: string; name: string; environmentId: string; owner: string; type: "shared" | "personal" | "custom" }
export interface Task {
  id: string; name: string; workspaceId: string; version: string; artifact: { id: string; name: string; version: string };
  paused: boolean; tags: string[]; parameters: Record<string, string>; run: SeedTaskRun;
}
export interface ServiceAccount { id: string; name: string; secret: string; permissions: string[]; createdDate: string; lastModifiedDate: string; lastUsedDate?: string; lastUsedApi?: string }
/** One service account's permissions on one workspace. */
export interface WorkspaceGrant { workspaceId: string; serviceAccountId: string; permissions: string[] }
/** A service-account token carries the account's permissions, and its workspace permissions, as of its minting. */
export interface Token { token: string; serviceAccountId: string; expiresAt: number; permissions: string[]; workspaces: Record<string, string[]> }
export interface Execution {
  executionId: string; taskId: string; taskVersion: string; workspaceId: string; userId: string; userType: "HUMAN" | "SERVICE";
  triggeredAt: number; cancelledAt?: number; timeoutMinutes?: number; parameters: Record<string, string>; logLevel?: string;
  /** The task's run script as it was when triggered (admin.setTaskRun affects later runs only). */
  run: SeedTaskRun;
}
export interface ExecutionStatus { status: string; executionStatus: string; startedAt?: number; finishedAt?: number; errorMessage?: string }
export interface LogLine { at: number; severity: "INFO" | "WARN" | "ERROR"; message: string }

/** What `state()` returns: a deep copy. Service-account secrets are included (a test tool); PATs are not. */
export interface EmulatorState {
  tenantId: string;
  catalog: string[];
  users: Omit<User, "pat">[];
  environments: Environment[];
  workspaces: Workspace[];
  tasks: Task[];
  serviceAccounts: ServiceAccount[];
  workspacePermissions: WorkspaceGrant[];
  executions: (Execution & ExecutionStatus)[];
  tokensMinted: number;
}

export const ALL_WORKSPACE_PERMISSIONS: string[] = [...WORKSPACE_PERMISSIONS];

/** The emulated tenant: data and rules, no HTTP (that is server.ts and routes/). */
export class Store {
  readonly tenantId: string;
  readonly catalog: string[];
  users: User[] = [];
  environments: Environment[] = [];
  workspaces: Workspace[] = [];
  tasks: Task[] = [];
  serviceAccounts = new Map<string, ServiceAccount>();
  grants = new Map<string, WorkspaceGrant>();
  tokens = new Map<string, Token>();
  executions: Execution[] = [];
  tokensMinted = 0;
  private readonly signingKey = randomBytes(32);

  constructor(seedInput: Seed, readonly clock: Clock, readonly tasksAndPlansEdit = DEFAULT_TASKS_AND_PLANS_EDIT, readonly tokenLifetimeSeconds = 1800) {
    const seed = SeedSchema.parse(seedInput);
    this.tenantId = seed.tenantId;
    this.catalog = [...new Set([...(seed.permissionCatalog ?? DOCUMENTED_CATALOG), tasksAndPlansEdit])];
    for (const e of seed.environments) this.environments.push({ id: e.id ?? hexId("env", e.name), name: e.name, description: e.description, default: e.default });
    for (const w of seed.workspaces) this.workspaces.push({ id: w.id ?? hexId("ws", w.environment, w.name), name: w.name, environmentId: this.env(w.environment).id, owner: w.owner, type: w.type });
    for (const t of seed.tasks) this.addTask(t);
    for (const u of seed.users) this.addUser(u);
    for (const sa of seed.serviceAccounts) this.seedServiceAccount(sa);
  }

  snapshot(): EmulatorState {
    return structuredClone({
      tenantId: this.tenantId,
      catalog: this.catalog,
      users: this.users.map(({ pat: _pat, ...u }) => u),
      environments: this.environments,
      workspaces: this.workspaces,
      tasks: this.tasks,
      serviceAccounts: [...this.serviceAccounts.values()],
      workspacePermissions: [...this.grants.values()],
      executions: this.executions.map((e) => ({ ...e, ...this.statusOf(e) })),
      tokensMinted: this.tokensMinted,
    });
  }

  // --- seed helpers -----------------------------------------------------------------------------------------
  env(name: string): Environment {
    const e = this.environments.find((x) => x.name === name || x.id === name);
    if (!e) throw new Error(`seed: no environment "${name}"`);
    return e;
  }

  /** Workspaces a seed key names: an id, "environment/name", or a bare name (in every environment). */
  resolveWorkspaces(key: string): Workspace[] {
    const byId = this.workspaces.filter((w) => w.id === key);
    if (byId.length) return byId;
    const slash = key.indexOf("/");
    if (slash > 0) {
      const envId = this.env(key.slice(0, slash)).id;
      return this.workspaces.filter((w) => w.environmentId === envId && w.name === key.slice(slash + 1));
    }
    return this.workspaces.filter((w) => w.name === key);
  }

  addUser(input: SeedUser): void {
    const u = SeedUserSchema.parse(input);
    if (this.users.some((x) => x.pat === u.pat || x.id === u.id)) throw new Error(`a user with id ${u.id} or that PAT already exists`);
    const workspaces = u.workspaces === "*" ? "*" : Object.fromEntries(Object.entries(u.workspaces).flatMap(([key, perms]) => this.resolveWorkspaces(key).map((w) => [w.id, perms])));
    this.users.push({ ...u, permissions: u.permissions.includes("*") ? [...this.catalog] : u.permissions, workspaces });
  }

  addTask(input: SeedTask): string {
    const t = SeedTaskSchema.parse(input);
    const envId = this.env(t.environment).id;
    const ws = this.workspaces.find((w) => w.environmentId === envId && (w.name === t.workspace || w.id === t.workspace));
    if (!ws) throw new Error(`seed: no workspace "${t.workspace}" in environment "${t.environment}"`);
    const id = t.id ?? hexId("task", t.environment, t.workspace, t.name);
    if (this.tasks.some((x) => x.id === id)) throw new Error(`a task with id ${id} already exists`);
    const artifact = t.artifact ?? { id: hexId("artifact", t.environment, t.workspace, t.name), name: t.name, version: t.version };
    this.tasks.push({ id, name: t.name, workspaceId: ws.id, version: t.version, artifact, paused: t.paused, tags: t.tags, parameters: t.parameters, run: t.run });
    return id;
  }

  private seedServiceAccount(input: SeedServiceAccount): void {
    const sa = this.createServiceAccount(input.name, input.permissions ?? [], { id: input.id, secret: input.secret });
    for (const [key, perms] of Object.entries(input.workspaces ?? {})) for (const w of this.resolveWorkspaces(key)) this.setGrant(w.id, sa.id, perms);
  }

  // --- service accounts -------------------------------------------------------------------------------------
  createServiceAccount(name: string, permissions: string[], fixed: { id?: string; secret?: string } = {}): ServiceAccount {
    const now = this.clock.iso();
    const sa: ServiceAccount = { id: fixed.id ?? randomUUID(), name, secret: fixed.secret ?? randomBytes(24).toString("base64url"), permissions: [...new Set(permissions)], createdDate: now, lastModifiedDate: now };
    this.serviceAccounts.set(sa.id, sa);
    return sa;
  }

  updateServiceAccount(id: string, patch: { name?: string; permissions?: string[] }): ServiceAccount {
    const sa = this.serviceAccounts.get(id);
    if (!sa) throw new Error(`no service account ${id}`);
    if (patch.name !== undefined) sa.name = patch.name;
    if (patch.permissions) sa.permissions = [...new Set(patch.permissions)];
    sa.lastModifiedDate = this.clock.iso();
    return sa;
  }

  /** Also removes its workspace permissions and revokes its tokens, like Talend. */
  deleteServiceAccount(id: string): void {
    if (!this.serviceAccounts.delete(id)) throw new Error(`no service account ${id}`);
    for (const [k, g] of this.grants) if (g.serviceAccountId === id) this.grants.delete(k);
    for (const [k, t] of this.tokens) if (t.serviceAccountId === id) this.tokens.delete(k);
  }

  // --- workspace permissions --------------------------------------------------------------------------------
  grant(workspaceId: string, serviceAccountId: string): WorkspaceGrant | undefined {
    return this.grants.get(`${workspaceId}|${serviceAccountId}`);
  }

  setGrant(workspaceId: string, serviceAccountId: string, permissions: string[] | null): void {
    const key = `${workspaceId}|${serviceAccountId}`;
    if (permissions === null) return void this.grants.delete(key);
    if (!this.workspaces.some((w) => w.id === workspaceId)) throw new Error(`no workspace ${workspaceId}`);
    if (!this.serviceAccounts.has(serviceAccountId)) throw new Error(`no service account ${serviceAccountId}`);
    const invalid = permissions.filter((p) => !ALL_WORKSPACE_PERMISSIONS.includes(p));
    if (invalid.length) throw new Error(`invalid workspace permissions: ${invalid.join(", ")}`);
    this.grants.set(key, { workspaceId, serviceAccountId, permissions: [...new Set(permissions)] });
  }

  // --- tokens -----------------------------------------------------------------------------------------------
  /** A JWT-shaped bearer token; what it may do is fixed here, at mint time (support article on 403). */
  mint(sa: ServiceAccount, audience: string): Token {
    const workspaces: Record<string, string[]> = {};
    for (const g of this.grants.values()) if (g.serviceAccountId === sa.id) workspaces[g.workspaceId] = [...g.permissions];
    const iat = Math.floor(this.clock.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: sa.id, aud: audience, iat, exp: iat + this.tokenLifetimeSeconds, jti: randomUUID(), tenantId: this.tenantId })}`;
    const token = `${unsigned}.${createHmac("sha256", this.signingKey).update(unsigned).digest("base64url")}`;
    const t: Token = { token, serviceAccountId: sa.id, expiresAt: this.clock.now() + this.tokenLifetimeSeconds * 1000, permissions: [...sa.permissions], workspaces };
    this.tokens.set(token, t);
    this.tokensMinted++;
    return t;
  }

  // --- executions -------------------------------------------------------------------------------------------
  /** Derived from the clock on every read: no timers, so tests control time completely. */
  statusOf(e: Execution): ExecutionStatus {
    const now = this.clock.now();
    const startedAt = e.triggeredAt + e.run.dispatchSeconds * 1000;
    const naturalEnd = Math.max(e.triggeredAt + e.run.durationSeconds * 1000, startedAt);
    const timeoutAt = e.timeoutMinutes !== undefined ? e.triggeredAt + e.timeoutMinutes * 60_000 : Infinity;
    const end = Math.min(naturalEnd, timeoutAt, e.cancelledAt ?? Infinity);
    if (now < end) return now < startedAt ? { status: "dispatching", executionStatus: now - e.triggeredAt < (startedAt - e.triggeredAt) / 2 ? "EXECUTION_EVENT_RECEIVED" : "DISPATCHING_FLOW" } : { status: "executing", executionStatus: "STARTING_FLOW_EXECUTION", startedAt };
    const started = end >= startedAt ? startedAt : undefined;
    if (e.cancelledAt === end) return { status: "terminated", executionStatus: "EXECUTION_TERMINATED", startedAt: started, finishedAt: end };
    if (timeoutAt === end && timeoutAt < naturalEnd) return { status: "terminated_timeout", executionStatus: "EXECUTION_TERMINATED_TIMEOUT", startedAt: started, finishedAt: end, errorMessage: `Execution timed out after ${e.timeoutMinutes} minutes` };
    if (e.run.outcome === "failure") return { status: "execution_failed", executionStatus: "EXECUTION_FAILED", startedAt, finishedAt: end, errorMessage: e.run.errorMessage ?? "Execution failed" };
    if (e.run.outcome === "rejected") return { status: "execution_rejected", executionStatus: "EXECUTION_REJECTED", startedAt, finishedAt: end };
    return { status: "execution_successful", executionStatus: "EXECUTION_SUCCESS", startedAt, finishedAt: end };
  }

  /** Log lines emitted so far: a start line, the seed's lines spread over the run, then a finish line. */
  logsOf(e: Execution): LogLine[] {
    const s = this.statusOf(e);
    const task = this.tasks.find((t) => t.id === e.taskId);
    const lines: LogLine[] = [{ at: e.triggeredAt, severity: "INFO", message: `Task ${task?.name ?? e.taskId} ${e.taskVersion} execution ${e.executionId} started` }];
    const startedAt = e.triggeredAt + e.run.dispatchSeconds * 1000;
    const span = Math.max(e.run.durationSeconds * 1000 - e.run.dispatchSeconds * 1000, 1);
    e.run.logLines.forEach((message, i) => {
      const severity = message.startsWith("ERROR") ? "ERROR" : message.startsWith("WARN") ? "WARN" : "INFO";
      lines.push({ at: Math.round(startedAt + (span * (i + 1)) / (e.run.logLines.length + 1)), severity, message });
    });
    const end = s.finishedAt ?? Infinity;
    const emitted = lines.filter((l) => l.at <= Math.min(this.clock.now(), end));
    if (s.finishedAt !== undefined) emitted.push({ at: s.finishedAt, severity: s.status === "execution_successful" ? "INFO" : "ERROR", message: `Execution finished: ${s.status}${s.errorMessage ? ` (${s.errorMessage})` : ""}` });
    return emitted;
  }
}
