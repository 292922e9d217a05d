import type * as pulumi from "@pulumi/pulumi";
import { type Environment, type PermissionCatalog, type TalendClient, TalendError, type TaskExtract, type Workspace, closestNames } from "../sdk";
import { withPulumiFix } from "./error-fixes";
import type { Context } from "./context";
import { ExpiringCache } from "./expiring-cache";
import { containsUnknown } from "./validation";

/**
 * Names a program gives (task, workspace + environment, account permission IDs) checked against the tenant
 * with read-only calls, so that a typo fails `preview` — before `up` creates anything that a later resource
 * would need. Pure functions over `NameReads`; `nameChecked` wires them into a resource's `check`.
 */

/** One failed check, in the shape of a dynamic provider's check failure. */
export interface NameFailure {
  property: string;
  reason: string;
  /** Nothing of that name, or several (the SDK's codes); absent when the names could not be read. */
  code?: "not-found" | "ambiguous-name";
}

/** The reads the checks need. `cachedReads` shares them across every resource of a process. */
export interface NameReads {
  environments(): Promise<Environment[]>;
  workspaces(environmentId: string): Promise<Workspace[]>;
  tasks(workspaceId: string): Promise<TaskExtract[]>;
  catalog(): Promise<PermissionCatalog>;
}

/** How long a read is reused: one preview or update, not a long-lived process's whole life. */
const READ_TTL_MS = 60_000;

/** Reads over a client, each cached per argument for a minute (on the client's clock); a failed read is dropped so the next check asks again. */
export function cachedReads(client: TalendClient, catalog: () => Promise<PermissionCatalog>, ttlMs = READ_TTL_MS): NameReads {
  const cache = new ExpiringCache(client.clock, { successMs: ttlMs });
  return {
    environments: () => cache.get("environments", () => client.environments.list()),
    workspaces: (environmentId) => cache.get(`workspaces:${environmentId}`, () => client.workspaces.list({ environmentId })),
    tasks: (workspaceId) => cache.get(`tasks:${workspaceId}`, () => client.tasks.list({ workspaceId })),
    catalog: () => cache.get("catalog", catalog),
  };
}

/** `did you mean "x"?` for the closest candidates, or "" when none is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const close = closestNames(name, candidates);
  return close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "";
}

/** Names listed for context, at most 10. */
function visible(kind: string, names: readonly string[]): string {
  if (!names.length) return ` (this token sees no ${kind}s: check the token's permissions)`;
  const shown = [...new Set(names)].slice(0, 10);
  return ` (${kind}s visible to this token: ${shown.join(", ")}${names.length > shown.length ? ", …" : ""})`;
}

/** The environment of this name, or a failure on `property` with the closest names. */
export async function checkEnvironment(reads: NameReads, environment: string, label: string, property = "environment"): Promise<Environment | NameFailure> {
  const all = await reads.environments();
  const found = all.filter((e) => e.name === environment);
  if (found.length === 1) return found[0] as Environment;
  const names = all.map((e) => e.name);
  return found.length
    ? { property, reason: `${label}.${property}: ${found.length} environments are named "${environment}"; give the workspace by id (workspaceId) instead`, code: "ambiguous-name" }
    : { property, reason: `${label}.${property}: no environment named "${environment}"${didYouMean(environment, names)}${visible("environment", names)}`, code: "not-found" };
}

/** The workspace of this name in the named environment, or a failure naming both by name. */
export async function checkWorkspace(reads: NameReads, workspace: string, environment: string, label: string): Promise<(Workspace & { environment: Environment }) | NameFailure> {
  const env = await checkEnvironment(reads, environment, label);
  if (isFailure(env)) return env;
  const all = await reads.workspaces(env.id);
  const found = all.filter((w) => w.name === workspace);
  if (found.length === 1) return { ...(found[0] as Workspace), environment: env };
  const names = all.map((w) => w.name);
  return found.length
    ? { property: "workspace", reason: `${label}.workspace: ${found.length} workspaces are named "${workspace}" in environment "${environment}"; give workspaceId instead`, code: "ambiguous-name" }
    : { property: "workspace", reason: `${label}.workspace: no workspace named "${workspace}" in environment "${environment}"${didYouMean(workspace, names)}${visible("workspace", names)}`, code: "not-found" };
}

/** The task by name in a workspace (given by names), or a failure that names the workspace by name. */
export async function checkTask(reads: NameReads, task: string, workspace: string, environment: string, label: string, property = "task"): Promise<{ task: TaskExtract; workspace: Workspace & { environment: Environment } } | NameFailure> {
  const ws = await checkWorkspace(reads, workspace, environment, label);
  if (isFailure(ws)) return ws;
  const all = await reads.tasks(ws.id);
  const found = all.filter((t) => t.name === task);
  if (found.length === 1) return { task: found[0] as TaskExtract, workspace: ws };
  const names = all.map((t) => t.name);
  const where = `in workspace "${workspace}" of environment "${environment}" [${ws.id}]`;
  return found.length
    ? { property, reason: `${label}.${property}: ${found.length} tasks are named "${task}" ${where}; give taskId instead`, code: "ambiguous-name" }
    : { property, reason: `${label}.${property}: no task named "${task}" ${where}${didYouMean(task, names)}${visible("task", names)}`, code: "not-found" };
}

/** Account permission IDs missing from the tenant's catalogue, with the closest IDs. */
export async function checkPermissionIds(reads: NameReads, ids: readonly string[], label: string): Promise<NameFailure | undefined> {
  const catalog = await reads.catalog();
  const unknown = ids.filter((id) => !catalog.ids.includes(id));
  if (!unknown.length) return undefined;
  const listed = unknown.map((id) => `"${id}"`).join(", ");
  const hints = unknown.map((id) => (unknown.length > 1 ? didYouMean(id, catalog.ids).replace(/^; /, `; instead of "${id}", `) : didYouMean(id, catalog.ids))).join("");
  return { property: "permissions", reason: `${label}.permissions: ${listed} not in this tenant's permission catalogue${hints} (getPermissionCatalog() lists them all)`, code: "not-found" };
}

export function isFailure(v: unknown): v is NameFailure {
  return !!v && typeof v === "object" && "reason" in v && "property" in v;
}

/**
 * Every name check that applies to one resource's inputs. Unknown (preview) values are skipped, and so are
 * names unchanged since the last apply (`olds`): they were valid then, a no-op preview stays free of reads,
 * and a task renamed in TMC after it ran does not block every later update of the stack.
 */
export async function checkNames(reads: NameReads, kind: string, inputs: Record<string, unknown>, olds?: Record<string, unknown>): Promise<NameFailure[]> {
  const known = (k: string): string | undefined => (typeof inputs[k] === "string" && !containsUnknown(inputs[k]) ? (inputs[k] as string) : undefined);
  const changed = (...keys: string[]) => !olds || keys.some((k) => olds[k] !== inputs[k]);
  const failures: Array<NameFailure | undefined> = [];
  const task = known("task");
  const workspace = known("workspace");
  const environment = known("environment");
  if (kind === "TaskExecution" && task && workspace && environment) {
    const t = changed("task", "workspace", "environment") ? await checkTask(reads, task, workspace, environment, kind) : undefined;
    if (isFailure(t)) failures.push(t);
  } else if (workspace && environment) {
    const ws = changed("workspace", "environment") ? await checkWorkspace(reads, workspace, environment, kind) : undefined;
    if (isFailure(ws)) failures.push(ws);
  } else if (environment && changed("environment")) {
    const env = await checkEnvironment(reads, environment, kind);
    if (isFailure(env)) failures.push(env);
  }
  const permissions = inputs.permissions;
  if (kind === "ServiceAccount" && Array.isArray(permissions)) {
    const before = Array.isArray(olds?.permissions) ? (olds.permissions as unknown[]) : [];
    const ids = permissions.filter((p): p is string => typeof p === "string" && !containsUnknown(p) && !before.includes(p));
    if (ids.length) failures.push(await checkPermissionIds(reads, ids, kind));
  }
  return failures.filter((f): f is NameFailure => f !== undefined);
}

const readsOf = new WeakMap<Context, NameReads>();

/**
 * The reads of one provider process (one CLI command), shared by every resource's check and by the creates that
 * resolve names: a run checked a moment ago finds its task again without a request.
 */
export function readsFor(c: Context): NameReads {
  let reads = readsOf.get(c);
  if (!reads) readsOf.set(c, (reads = cachedReads(c.client, () => c.permissionCatalog())));
  return reads;
}

/** A failed check as the error of an apply (for names known only then): the words preview would have used. */
export function nameError(f: NameFailure): TalendError {
  return new TalendError({ kind: f.code === "ambiguous-name" ? "ambiguous-lookup" : "not-found-lookup", message: f.reason });
}
/** Causes already reported by one check of this process (a bad token fails every read; say it once). */
const reported = new Set<string>();

/**
 * A resource's `check` result with the name checks added: `return nameChecked(ctx, olds, checkInputs(...), "Kind")`.
 * Runs only when the inputs are otherwise valid. A name that does not exist is a failure on its property. A
 * read that fails for another reason (bad token, no connection) fails the first check that meets it, with
 * Talend's message and fix, and lets the others through: create/update meets the same error anyway.
 * Settings that cannot be read (no token) are left to create, which names the setting.
 */
export async function nameChecked<I>(ctx: () => Context, olds: unknown, result: pulumi.dynamic.CheckResult<I>, kind: string): Promise<pulumi.dynamic.CheckResult<I>> {
  if (result.failures?.length || !result.inputs) return result;
  let c: Context;
  try {
    c = ctx();
  } catch {
    return result;
  }
  const reads = readsFor(c);
  try {
    const before = olds && typeof olds === "object" && Object.keys(olds).length ? (olds as Record<string, unknown>) : undefined;
    const failures = await checkNames(reads, kind, result.inputs as Record<string, unknown>, before);
    return failures.length ? { ...result, inputs: undefined, failures } : result;
  } catch (e) {
    // One cause, one report: a bad token fails every read, each with its own error object and request id.
    const cause = e instanceof TalendError ? `${e.kind}:${e.status ?? ""}` : String(e);
    if (reported.has(cause)) return result;
    reported.add(cause);
    const fixed = withPulumiFix(e);
    const message = fixed instanceof TalendError ? fixed.message.replace(/\nFix: /, ". Fix: ") : String((fixed as Error)?.message ?? fixed);
    return { ...result, inputs: undefined, failures: [{ property: "", reason: `${kind}.inputs: could not check names against Talend: ${message}` }] };
  }
}
