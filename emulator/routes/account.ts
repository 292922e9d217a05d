import { z } from "zod";
import { type Request, type Route, noContent, ok, requirePermission, saError } from "../http";
import type { ServiceAccount } from "../state";

const Body = z.object({ name: z.string().trim().min(1).max(255), permissions: z.array(z.string()) });
const MANAGE = "TMC_SERVICE_ACCOUNT_MANAGEMENT";
const denied = (req: Request) => requirePermission(req.principal, MANAGE, saError);

/** The account as the API shows it: never the secret (except in the create response). */
const view = ({ secret: _secret, ...sa }: ServiceAccount) => sa;

function parse(req: Request) {
  const body = Body.safeParse(req.body);
  if (!body.success) return { error: saError(400, `Invalid service account: ${body.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`) };
  const unknown = body.data.permissions.filter((p) => !req.store.catalog.includes(p));
  if (unknown.length) return { error: saError(400, `Unknown permissions: ${unknown.join(", ")}`) };
  return { data: body.data };
}

/** /account/service-accounts (SA-SPEC). */
export const accountRoutes: Route[] = [
  { method: "GET", pattern: "/account/service-accounts/permissions", handle: (req) => ok(req.store.catalog) },
  {
    method: "GET",
    pattern: "/account/service-accounts/count",
    handle: (req) =>
      denied(req) && requirePermission(req.principal, "TMC_SUBSCRIPTION_MANAGEMENT", saError) ? saError(403, "Forbidden") : ok({ tenantId: req.store.tenantId, count: req.store.serviceAccounts.size }),
  },
  { method: "GET", pattern: "/account/service-accounts", handle: (req) => denied(req) ?? ok([...req.store.serviceAccounts.values()].map(view)) },
  {
    method: "POST",
    pattern: "/account/service-accounts",
    handle(req) {
      const parsed = parse(req);
      if (!parsed.data) return denied(req) ?? parsed.error;
      if (denied(req)) return denied(req)!;
      if ([...req.store.serviceAccounts.values()].some((a) => a.name === parsed.data.name)) return { status: 409, body: { detail: `Service account with name ${parsed.data.name} already exists` } };
      const sa = req.store.createServiceAccount(parsed.data.name, parsed.data.permissions);
      return { status: 201, body: { ...view(sa), secret: sa.secret }, headers: { location: `/account/service-accounts/${sa.id}` } };
    },
  },
  {
    method: "GET",
    pattern: "/account/service-accounts/:id",
    handle(req) {
      const sa = req.store.serviceAccounts.get(req.params.id as string);
      return denied(req) ?? (sa ? ok(view(sa)) : saError(404, "Service account not found"));
    },
  },
  {
    method: "PUT",
    pattern: "/account/service-accounts/:id",
    handle(req) {
      if (denied(req)) return denied(req)!;
      const id = req.params.id as string;
      if (!req.store.serviceAccounts.has(id)) return saError(404, "Service account not found");
      const parsed = parse(req);
      if (!parsed.data) return parsed.error;
      if ([...req.store.serviceAccounts.values()].some((a) => a.name === parsed.data.name && a.id !== id)) return { status: 409, body: { detail: `Service account with name ${parsed.data.name} already exists` } };
      req.store.updateServiceAccount(id, parsed.data);
      return ok(view(req.store.serviceAccounts.get(id)!));
    },
  },
  {
    method: "DELETE",
    pattern: "/account/service-accounts/:id",
    handle(req) {
      if (denied(req)) return denied(req)!;
      if (!req.store.serviceAccounts.has(req.params.id as string)) return saError(404, "Service account not found");
      req.store.deleteServiceAccount(req.params.id as string);
      return noContent();
    },
  },
];
