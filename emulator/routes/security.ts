import { z } from "zod";
import { type Request, type Response, type Route, error, noContent, ok, requirePermission } from "../http";
import { ALL_WORKSPACE_PERMISSIONS } from "../state";

const Permissions = z.array(z.enum(ALL_WORKSPACE_PERMISSIONS as [string, ...string[]])).min(1);
const denied = (req: Request) => requirePermission(req.principal, "TMC_USER_MANAGEMENT");

/** The Permission schema of WP-SPEC: the principal's id is in `userId`, for service accounts too. */
const view = (g: { workspaceId: string; serviceAccountId: string; permissions: string[] }) => ({ workspaceId: g.workspaceId, userId: g.serviceAccountId, permissions: g.permissions });

function target(req: Request): { ws: string; sa: string } | Response {
  const ws = req.params.workspaceId as string;
  const sa = req.params.serviceAccountId as string;
  if (!req.store.workspaces.some((w) => w.id === ws) || !req.store.serviceAccounts.has(sa)) return error(404, "The workspace or the user does not exist");
  return { ws, sa };
}

const permissions = (req: Request) => Permissions.safeParse(req.body);

const UNIT = "/security/workspaces/:workspaceId/service-accounts/:serviceAccountId/permissions";

/** POST creates the pair's set (409 when it has one), PUT replaces it (404 when it has none). */
function write(method: "POST" | "PUT"): Route {
  return {
    method,
    pattern: UNIT,
    handle(req) {
      if (denied(req)) return denied(req)!;
      const t = target(req);
      if ("status" in t) return t;
      const body = permissions(req);
      if (!body.success) return error(400, `Body must be a non-empty array of ${ALL_WORKSPACE_PERMISSIONS.join(", ")}`);
      const exists = !!req.store.grant(t.ws, t.sa);
      if (method === "POST" && exists) return error(409, "Permission already exists for workspace");
      if (method === "PUT" && !exists) return error(404, "Permission to update doesn't exist");
      req.store.setGrant(t.ws, t.sa, body.data);
      return noContent(method === "POST" ? 201 : 204);
    },
  };
}

/** Token endpoint (OAUTH-SPEC) and workspace permissions of service accounts (WP-SPEC). */
export const securityRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/security/oauth/token",
    auth: false,
    handle(req) {
      const header = String(req.headers.authorization ?? "");
      const decoded = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : "";
      const [id, secret] = [decoded.slice(0, decoded.indexOf(":")), decoded.slice(decoded.indexOf(":") + 1)];
      const sa = req.store.serviceAccounts.get(id);
      if (!sa || sa.secret !== secret || decoded.indexOf(":") < 0) return { status: 401 };
      const body = z.object({ audience: z.string().min(1), grant_type: z.literal("client_credentials") }).safeParse(req.body);
      if (!body.success) return error(400, "audience and grant_type=client_credentials are required");
      const token = req.store.mint(sa);
      return ok({ access_token: token.token, token_type: "Bearer", expires_in: String(req.store.tokenLifetimeSeconds) });
    },
  },
  {
    method: "GET",
    pattern: UNIT,
    handle(req) {
      const t = target(req);
      if ("status" in t) return denied(req) ?? t;
      const g = req.store.grant(t.ws, t.sa);
      return denied(req) ?? (g ? ok(view(g)) : error(404, "Permission not found"));
    },
  },
  write("POST"),
  write("PUT"),
  {
    method: "DELETE",
    pattern: UNIT,
    handle(req) {
      if (denied(req)) return denied(req)!;
      const t = target(req);
      if ("status" in t) return t;
      if (!req.store.grant(t.ws, t.sa)) return error(404, "Permission not found");
      req.store.setGrant(t.ws, t.sa, null);
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/security/service-accounts/permissions",
    handle(req) {
      if (denied(req)) return denied(req)!;
      const [ws, env, sa] = ["workspaceId", "environmentId", "serviceAccountId"].map((k) => req.query.get(k) ?? undefined);
      if ((ws && !req.store.workspaces.some((w) => w.id === ws)) || (env && !req.store.environments.some((e) => e.id === env)) || (sa && !req.store.serviceAccounts.has(sa))) return error(404, "Not found");
      const inEnv = (id: string) => !env || req.store.workspaces.find((w) => w.id === id)?.environmentId === env;
      return ok([...req.store.grants.values()].filter((g) => (!ws || g.workspaceId === ws) && (!sa || g.serviceAccountId === sa) && inEnv(g.workspaceId)).map(view));
    },
  },
  // Batch endpoints, faithfully dangerous: an empty id list means "all" (WP-SPEC). The provider never calls them.
  ...(["POST", "PUT"] as const).map(
    (method): Route => ({
      method,
      pattern: "/security/service-accounts/permissions/batch",
      handle(req) {
        if (denied(req)) return denied(req)!;
        const items = z.array(z.object({ workspaceId: z.string(), userId: z.string(), permissions: Permissions })).safeParse(req.body);
        if (!items.success) return error(400, "Body must be an array of Permission");
        const rejected = [];
        for (const p of items.data) {
          const exists = !!req.store.grant(p.workspaceId, p.userId);
          if (!req.store.workspaces.some((w) => w.id === p.workspaceId) || !req.store.serviceAccounts.has(p.userId)) rejected.push({ status: 404, message: "Not found", permission: p });
          else if (method === "POST" && exists) rejected.push({ status: 409, message: "Permission already exists", permission: p });
          else if (method === "PUT" && !exists) rejected.push({ status: 404, message: "Permission to update doesn't exist", permission: p });
          else req.store.setGrant(p.workspaceId, p.userId, p.permissions);
        }
        return rejected.length ? ok(rejected, 207) : noContent();
      },
    }),
  ),
  {
    method: "DELETE",
    pattern: "/security/service-accounts/permissions/batch",
    handle(req) {
      if (denied(req)) return denied(req)!;
      const wsIds = req.query.getAll("workspaceIds");
      const saIds = req.query.getAll("serviceAccountIds");
      for (const g of [...req.store.grants.values()]) {
        if ((wsIds.length === 0 || wsIds.includes(g.workspaceId)) && (saIds.length === 0 || saIds.includes(g.serviceAccountId))) req.store.setGrant(g.workspaceId, g.serviceAccountId, null);
      }
      return noContent();
    },
  },
];
