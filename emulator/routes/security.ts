import { z } from "zod";
import { type Request, type Response, type Route, error, noContent, ok, parseBody, requireAny } from "../http";
import { WorkspacePermissionsSchema } from "../seed";
import type { WorkspaceGrant } from "../state";

/** OAUTH-SPEC `TokenRequest`. */
export const TokenRequest = z.object({ audience: z.string().min(1), grant_type: z.literal("client_credentials") });
/** WP-SPEC unitary body: a non-empty array of workspace permission values. */
export const PermissionValues = WorkspacePermissionsSchema.min(1);
/** WP-SPEC `Permission` (the service account's id travels in `userId`). */
export const PermissionItem = z.object({ workspaceId: z.string().min(1), userId: z.string().min(1), permissions: PermissionValues });

const USERS = "TMC_USER_MANAGEMENT";
const view = (g: WorkspaceGrant) => ({ workspaceId: g.workspaceId, userId: g.serviceAccountId, permissions: [...g.permissions] });
const exists = (req: Request, workspaceId: string, serviceAccountId: string) => req.store.workspaces.some((w) => w.id === workspaceId) && req.store.serviceAccounts.has(serviceAccountId);

/** Basic base64(clientId:secret) → the service account, if the pair is right. */
function client(req: Request) {
  const header = String(req.headers.authorization ?? "");
  if (!/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const sa = colon > 0 ? req.store.serviceAccounts.get(decoded.slice(0, colon)) : undefined;
  return sa && sa.secret === decoded.slice(colon + 1) ? sa : undefined;
}

const UNIT = "/security/workspaces/:workspaceId/service-accounts/:serviceAccountId/permissions";

/** Authorization, then existence of the workspace and the account, then the body (for writes). */
function unit(req: Request, withBody: boolean): { ws: string; sa: string; permissions: string[] } | Response {
  const denied = requireAny(req, USERS);
  if (denied) return denied;
  const { workspaceId: ws, serviceAccountId: sa } = req.params as { workspaceId: string; serviceAccountId: string };
  if (!exists(req, ws, sa)) return error(404, "The workspace or the user does not exist");
  if (!withBody) return { ws, sa, permissions: [] };
  const body = parseBody(PermissionValues, req);
  return "error" in body ? body.error : { ws, sa, permissions: body.data };
}

/** Query arrays arrive repeated (?a=1&a=2) or comma-separated (?a=1,2). */
const listParam = (q: URLSearchParams, name: string) => q.getAll(name).flatMap((v) => v.split(",")).filter(Boolean);

/** Token endpoint (OAUTH-SPEC) and workspace permissions of service accounts (WP-SPEC). */
export const securityRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/security/oauth/token",
    auth: false,
    handle(req) {
      const sa = client(req);
      if (!sa) return { status: 401 }; // the spec declares no body
      const body = parseBody(TokenRequest, req);
      if ("error" in body) return body.error;
      const token = req.store.mint(sa, body.data.audience);
      return ok({ access_token: token.token, token_type: "Bearer", expires_in: String(req.store.tokenLifetimeSeconds) });
    },
  },
  {
    method: "GET",
    pattern: UNIT,
    handle(req) {
      const t = unit(req, false);
      if ("status" in t) return t;
      const g = req.store.grant(t.ws, t.sa);
      return g ? ok(view(g)) : error(404, "Permission not found");
    },
  },
  {
    method: "POST",
    pattern: UNIT,
    handle(req) {
      const t = unit(req, true);
      if ("status" in t) return t;
      if (req.store.grant(t.ws, t.sa)) return error(409, "The permission already exists for workspace");
      req.store.setGrant(t.ws, t.sa, t.permissions);
      return noContent(201);
    },
  },
  {
    method: "PUT",
    pattern: UNIT,
    handle(req) {
      const t = unit(req, true);
      if ("status" in t) return t;
      if (!req.store.grant(t.ws, t.sa)) return error(404, "The permission to update doesn't exist");
      req.store.setGrant(t.ws, t.sa, t.permissions);
      return noContent();
    },
  },
  {
    method: "DELETE",
    pattern: UNIT,
    handle(req) {
      const t = unit(req, false);
      if ("status" in t) return t;
      if (!req.store.grant(t.ws, t.sa)) return error(404, "The permission to delete doesn't exist");
      req.store.setGrant(t.ws, t.sa, null);
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/security/service-accounts/permissions",
    handle(req) {
      const denied = requireAny(req, USERS);
      if (denied) return denied;
      const [ws, env, sa] = ["workspaceId", "environmentId", "serviceAccountId"].map((k) => req.query.get(k) || undefined);
      const s = req.store;
      if ((ws && !s.workspaces.some((w) => w.id === ws)) || (env && !s.environments.some((e) => e.id === env)) || (sa && !s.serviceAccounts.has(sa))) {
        return error(404, "The environment id or the workspace id or the user id does not exist");
      }
      const inEnv = (id: string) => !env || s.workspaces.find((w) => w.id === id)?.environmentId === env;
      return ok([...s.grants.values()].filter((g) => (!ws || g.workspaceId === ws) && (!sa || g.serviceAccountId === sa) && inEnv(g.workspaceId)).map(view));
    },
  },
  // The batch endpoints, as the spec describes them. The provider must never call them: see DELETE below.
  ...(["POST", "PUT"] as const).map(
    (method): Route => ({
      method,
      pattern: "/security/service-accounts/permissions/batch",
      handle(req) {
        const denied = requireAny(req, USERS);
        if (denied) return denied;
        if (!Array.isArray(req.body)) return error(400, "Invalid request body: expected an array of Permission");
        const rejected: { status: number; message: string; permission: unknown }[] = [];
        // Applied in order; each rejected element is reported, the others take effect (207).
        for (const item of req.body) {
          const p = PermissionItem.safeParse(item);
          const had = p.success && !!req.store.grant(p.data.workspaceId, p.data.userId);
          if (!p.success) rejected.push({ status: 400, message: "Invalid permission", permission: item });
          else if (!exists(req, p.data.workspaceId, p.data.userId)) rejected.push({ status: 404, message: "The workspace id or the user does not exist", permission: p.data });
          else if (method === "POST" && had) rejected.push({ status: 409, message: "The permission already exists for workspace", permission: p.data });
          else if (method === "PUT" && !had) rejected.push({ status: 404, message: "The permission to update doesn't exist", permission: p.data });
          else req.store.setGrant(p.data.workspaceId, p.data.userId, p.data.permissions);
        }
        return rejected.length ? ok(rejected, 207) : noContent();
      },
    }),
  ),
  {
    method: "DELETE",
    pattern: "/security/service-accounts/permissions/batch",
    handle(req) {
      const denied = requireAny(req, USERS);
      if (denied) return denied;
      const wsIds = listParam(req.query, "workspaceIds");
      const saIds = listParam(req.query, "serviceAccountIds");
      if (wsIds.some((id) => !req.store.workspaces.some((w) => w.id === id)) || saIds.some((id) => !req.store.serviceAccounts.has(id))) {
        return error(404, "The workspace id or the user does not exist");
      }
      // WP-SPEC: "empty collection for users means that permissions for all service accounts and specified
      // workspaces will be deleted (and vice versa)". Both empty: every service-account permission goes.
      for (const g of [...req.store.grants.values()]) {
        if ((wsIds.length === 0 || wsIds.includes(g.workspaceId)) && (saIds.length === 0 || saIds.includes(g.serviceAccountId))) req.store.setGrant(g.workspaceId, g.serviceAccountId, null);
      }
      return noContent();
    },
  },
];
