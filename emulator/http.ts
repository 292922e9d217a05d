import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ALL_WORKSPACE_PERMISSIONS, type Store, type Token, type User } from "./state";

/** Who is calling: a user's personal access token (live permissions) or a service-account token (snapshot). */
export type Principal = { kind: "pat"; user: User } | { kind: "service-account"; token: Token } | { kind: "none" };

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  principal: Principal;
  store: Store;
  /** The emulator's own base URL (the token audience it expects, informational only). */
  baseUrl: string;
}

export interface Response {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** e.g. /account/service-accounts/:id */
  pattern: string;
  /** false for the token endpoint, which authenticates with Basic credentials itself. */
  auth?: boolean;
  handle(req: Request): Response;
}

/** Talend's common `ErrorResponse`, with a fresh requestId every time. */
export const error = (status: number, message: string, detail?: string): Response => ({ status, body: { status, message, ...(detail && { detail }), requestId: randomUUID() } });
/** The service-accounts API's own `Error` body. */
export const saError = (status: number, detail: string): Response => ({ status, body: { status, detail } });
/** The error shape of the API family a path belongs to. */
export const errorFor = (path: string) => (path.startsWith("/account/") ? saError : error);
export const ok = (body: unknown, status = 200): Response => ({ status, body });
export const noContent = (status = 204): Response => ({ status });

/** Validates a JSON body; the Response is a 400 in the family's shape. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): { data: z.output<S> } | { error: Response } {
  const r = schema.safeParse(req.body);
  if (r.success) return { data: r.data };
  const why = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
  return { error: errorFor(req.path)(400, `Invalid request body: ${why}`) };
}

/** Account permissions of the caller: live for a PAT user, as minted for a service-account token. */
export function accountPermissions(p: Principal): string[] {
  return p.kind === "pat" ? p.user.permissions : p.kind === "service-account" ? p.token.permissions : [];
}

/** The caller's permissions on one workspace (a token's are those of its mint time). */
export function workspacePermissions(p: Principal, workspaceId: string): string[] {
  if (p.kind === "service-account") return p.token.workspaces[workspaceId] ?? [];
  if (p.kind !== "pat") return [];
  return p.user.workspaces === "*" ? ALL_WORKSPACE_PERMISSIONS : (p.user.workspaces[workspaceId] ?? []);
}

export function principalId(p: Principal): string | undefined {
  return p.kind === "pat" ? p.user.id : p.kind === "service-account" ? p.token.serviceAccountId : undefined;
}

/** 403 in the family's shape unless the caller holds one of `permissions`. */
export function requireAny(req: Request, ...permissions: string[]): Response | undefined {
  const held = accountPermissions(req.principal);
  return permissions.some((p) => held.includes(p)) ? undefined : errorFor(req.path)(403, `Permissions ${permissions.join(" or ")} are missing`);
}

/**
 * Running a task (support article on 403 + "Using a service account to run tasks"): (TMC_ENGINE_USE or
 * TMC_OPERATOR) and "Tasks and Plans - Edit", and EXECUTE on the task's workspace.
 */
export function mayRunTasksIn(req: Request, workspaceId: string): boolean {
  const perms = accountPermissions(req.principal);
  const engine = perms.includes("TMC_ENGINE_USE") || perms.includes("TMC_OPERATOR");
  return engine && perms.includes(req.store.tasksAndPlansEdit) && workspacePermissions(req.principal, workspaceId).includes("EXECUTE");
}

/** Integer query parameter within [min, max], or the default; undefined when invalid. */
export function intParam(query: URLSearchParams, name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return def;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}
