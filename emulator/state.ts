import { randomBytes, randomUUID } from "node:crypto";
import type { Clock } from "./clock";
import { DEFAULT_TASKS_AND_PLANS_EDIT, DOCUMENTED_CATALOG, type Seed, SeedSchema, type SeedTaskRun, hexId } from "./seed";

export interface User { id: string; login: string; pat: string; permissions: string[]; workspaces: "*" | Record<string, string[]> }
export interface Environment { id: string; name: string; default: boolean }
export interface Workspace { id: string; name: string; environmentId: string; owner: string; type: string }
export interface Task { id: string; name: string; workspaceId: string; version: string; artifact: { id: string; name: string; version: string }; paused: boolean; run: SeedTaskRun }
export interface ServiceAccount { id: string; name: string; secret: string; permissions: string[]; createdDate: string; lastModifiedDate: string; lastUsedDate?: string; lastUsedApi?: string }
export interface WorkspaceGrant { workspaceId: string; serviceAccountId: string; permissions: string[] }
/** A service-account token carries the account's permissions as they were when it was minted. */
export interface Token { token: string; serviceAccountId: string; expiresAt: number; permissions: string[]; workspaces: Record<string, string[]> }
export interface Execution {
  executionId: string; taskId: string; workspaceId: string; userId: string; userType: "HUMAN" | "SERVICE";
  triggeredAt: number; cancelledAt?: number; timeoutMinutes?: number; parameters: Record<string, string>; logLevel?: string; run: SeedTaskRun; taskVersion: string;
}

export const ALL_WORKSPACE_PERMISSIONS = ["AUTHOR", "EXECUTE", "VIEW", "MANAGE", "PUBLISH"];

/** The emulated tenant. Pure data and rules; HTTP lives in server.ts and routes/. */
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

  constructor(seedInput: Seed, readonly clock: Clock, readonly tasksAndPlansEdit = DEFAULT_TASKS_AND_PLANS_EDIT, readonly tokenLifetimeSeconds = 1800) {
    const seed = SeedSchema.parse(seedInput);
    this.tenantId = seed.tenantId;
    this.catalog = [...new Set([...(seed.permissionCatalog ?? DOCUMENTED_CATALOG), tasksAndPlansEdit])].sort();
    for (const e of seed.environments) this.environments.push({ id: e.id ?? hexId("env", e.name), name: e.name, default: e.default ?? false });
    for (const w of seed.workspaces) this.workspaces.push({ id: w.id ?? hexId("ws", w.environment, w.name), name: w.name, environmentId: this.env(w.environment).id, owner: w.owner, type: w.type });
    for (const t of seed.tasks) this.addTask(t);
    for (const u of seed.users) this.addUser(u);
  }

  addUser(u: { id: string; login: string; pat: string; permissions: string[]; workspaces?: "*" | Record<string, string[]> }): void {
    this.users.push({ ...u, permissions: u.permissions.includes("*") ? [...this.catalog] : u.permissions, workspaces: u.workspaces ?? {} });
  }

  addTask(t: Seed["tasks"][number]): string {
    const parsed = SeedSchema.shape.tasks.element.parse(t);
    const ws = this.workspaceByName(parsed.workspace, parsed.environment);
    const id = parsed.id ?? hexId("task", parsed.environment, parsed.workspace, parsed.name);
    this.tasks.push({ id, name: parsed.name, workspaceId: ws.id, version: parsed.version, artifact: parsed.artifact ?? { id: hexId("artifact", parsed.name), name: parsed.name, version: parsed.version }, paused: parsed.paused, run: parsed.run });
    return id;
  }

  env(name: string): Environment {
    const e = this.environments.find((x) => x.name === name);
    if (!e) throw new Error(`seed: no environment ${name}`);
    return e;
  }

  workspaceByName(name: string, environment: string): Workspace {
    const envId = this.env(environment).id;
    const w = this.workspaces.find((x) => x.name === name && x.environmentId === envId);
    if (!w) throw new Error(`seed: no workspace ${name} in ${environment}`);
    return w;
  }

  // --- service accounts -----------------------------------------------------------------------------------
  createServiceAccount(name: string, permissions: string[]): ServiceAccount {
    const now = this.clock.iso();
    const sa = { id: randomUUID(), name, secret: randomBytes(24).toString("base64url"), permissions: [...new Set(permissions)], createdDate: now, lastModifiedDate: now };
    this.serviceAccounts.set(sa.id, sa);
    return sa;
  }

  updateServiceAccount(id: string, patch: { name?: string; permissions?: string[] }): void {
    const sa = this.serviceAccounts.get(id);
    if (!sa) throw new Error(`no service account ${id}`);
    Object.assign(sa, { ...(patch.name !== undefined && { name: patch.name }), ...(patch.permissions && { permissions: [...new Set(patch.permissions)] }), lastModifiedDate: this.clock.iso() });
  }

  deleteServiceAccount(id: string): void {
    this.serviceAccounts.delete(id);
    for (const [k, g] of this.grants) if (g.serviceAccountId === id) this.grants.delete(k);
    for (const [k, t] of this.tokens) if (t.serviceAccountId === id) this.tokens.delete(k);
  }

  // --- workspace permissions ------------------------------------------------------------------------------
  grant(workspaceId: string, serviceAccountId: string): WorkspaceGrant | undefined {
    return this.grants.get(`${workspaceId}|${serviceAccountId}`);
  }

  setGrant(workspaceId: string, serviceAccountId: string, permissions: string[] | null): void {
    const key = `${workspaceId}|${serviceAccountId}`;
    if (permissions === null) this.grants.delete(key);
    else this.grants.set(key, { workspaceId, serviceAccountId, permissions: [...new Set(permissions)] });
  }

  // --- tokens ---------------------------------------------------------------------------------------------
  mint(sa: ServiceAccount): Token {
    const workspaces: Record<string, string[]> = {};
    for (const g of this.grants.values()) if (g.serviceAccountId === sa.id) workspaces[g.workspaceId] = [...g.permissions];
    const token = { token: `emu.${randomBytes(24).toString("base64url")}`, serviceAccountId: sa.id, expiresAt: this.clock.now() + this.tokenLifetimeSeconds * 1000, permissions: [...sa.permissions], workspaces };
    this.tokens.set(token.token, token);
    this.tokensMinted++;
    return token;
  }

  // --- executions -----------------------------------------------------------------------------------------
  /** Status is derived from the clock on every read: no timers, so tests control time completely. */
  statusOf(e: Execution): { status: string; executionStatus: string; startedAt?: number; finishedAt?: number; errorMessage?: string } {
    const now = this.clock.now();
    const dispatchMs = e.run.dispatchSeconds * 1000;
    const durationMs = Math.max(e.run.durationSeconds * 1000, dispatchMs);
    const timeoutAt = e.timeoutMinutes !== undefined ? e.triggeredAt + e.timeoutMinutes * 60_000 : Infinity;
    const naturalEnd = e.triggeredAt + durationMs;
    const startedAt = e.triggeredAt + dispatchMs;
    const end = Math.min(naturalEnd, timeoutAt, e.cancelledAt ?? Infinity);
    if (now < end) {
      return now < startedAt ? { status: "dispatching", executionStatus: "DISPATCHING_FLOW" } : { status: "executing", executionStatus: "STARTING_FLOW_EXECUTION", startedAt };
    }
    const started = end >= startedAt ? startedAt : undefined;
    if (e.cancelledAt !== undefined && e.cancelledAt === end) return { status: "terminated", executionStatus: "EXECUTION_TERMINATED", startedAt: started, finishedAt: end };
    if (timeoutAt === end && timeoutAt < naturalEnd) return { status: "terminated_timeout", executionStatus: "EXECUTION_TERMINATED_TIMEOUT", startedAt: started, finishedAt: end, errorMessage: `Timeout of ${e.timeoutMinutes} minutes reached` };
    if (e.run.outcome === "failure") return { status: "execution_failed", executionStatus: "EXECUTION_FAILED", startedAt, finishedAt: end, errorMessage: e.run.errorMessage ?? "Execution failed" };
    if (e.run.outcome === "rejected") return { status: "execution_rejected", executionStatus: "EXECUTION_REJECTED", startedAt, finishedAt: end };
    return { status: "execution_successful", executionStatus: "EXECUTION_SUCCESS", startedAt, finishedAt: end };
  }

  /** Log lines visible so far: start, the seed's lines spread over the run, then the outcome. */
  logsOf(e: Execution): { at: number; severity: string; message: string }[] {
    const s = this.statusOf(e);
    const lines: { at: number; severity: string; message: string }[] = [{ at: e.triggeredAt, severity: "INFO", message: `Execution ${e.executionId} requested` }];
    if (s.startedAt !== undefined) {
      const span = Math.max(e.run.durationSeconds * 1000 - e.run.dispatchSeconds * 1000, 1);
      e.run.logLines.forEach((message, i) => lines.push({ at: s.startedAt! + (span * (i + 1)) / (e.run.logLines.length + 1), severity: message.startsWith("ERROR") ? "ERROR" : "INFO", message }));
    }
    if (s.finishedAt !== undefined) lines.push({ at: s.finishedAt, severity: s.status === "execution_successful" ? "INFO" : "ERROR", message: `Execution finished: ${s.status}${s.errorMessage ? ` (${s.errorMessage})` : ""}` });
    const now = this.clock.now();
    return lines.filter((l) => l.at <= now);
  }
}
