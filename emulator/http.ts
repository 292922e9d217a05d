import { randomUUID } from "node:crypto";
import type { Store, Token, User } from "./state";

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

/** Talend's common error body. */
export const error = (status: number, message: string): Response => ({ status, body: { status, message, requestId: randomUUID() } });
/** The service-accounts API's error body. */
export const saError = (status: number, detail: string): Response => ({ status, body: { status, detail } });
export const ok = (body: unknown, status = 200): Response => ({ status, body });
export const noContent = (status = 204): Response => ({ status });

/** Account permissions of the caller: live for a PAT user, as minted for a service-account token. */
export function accountPermissions(p: Principal): string[] {
  return p.kind === "pat" ? p.user.permissions : p.kind === "service-account" ? p.token.permissions : [];
}

/** Workspace permissions of the caller on one workspace (a token's are those of its mint time). */
export function workspacePermissions(p: Principal, store: Store, workspaceId: string): string[] {
  if (p.kind === "service-account") return p.token.workspaces[workspaceId] ?? [];
  if (p.kind !== "pat") return [];
  if (p.user.workspaces === "*") return ["AUTHOR", "EXECUTE", "VIEW", "MANAGE", "PUBLISH"];
  const ws = store.workspaces.find((w) => w.id === workspaceId);
  return p.user.workspaces[workspaceId] ?? (ws ? p.user.workspaces[ws.name] : undefined) ?? [];
}

export function principalId(p: Principal): string | undefined {
  return p.kind === "pat" ? p.user.id : p.kind === "service-account" ? p.token.serviceAccountId : undefined;
}

export function requirePermission(p: Principal, permission: string, apiError = error): Response | undefined {
  return accountPermissions(p).includes(permission) ? undefined : apiError(403, `Permissions ${permission} are missing`);
}
