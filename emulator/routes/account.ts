import { z } from "zod";
import { type Request, type Response, type Route, noContent, ok, parseBody, requireAny, saError } from "../http";
import type { ServiceAccount } from "../state";

/** The writable part of `ServiceAccount` (SA-SPEC: "only the name and the permissions ... can be changed"). */
export const ServiceAccountBody = z.object({ name: z.string().trim().min(1).max(255), permissions: z.array(z.string()) });

const MANAGE = "TMC_SERVICE_ACCOUNT_MANAGEMENT";

/** The account as the API shows it: never the secret (the create response adds it once). */
const view = ({ secret: _secret, ...sa }: ServiceAccount) => sa;

const nameTaken = (req: Request, name: string, except?: string): Response | undefined =>
  [...req.store.serviceAccounts.values()].some((a) => a.name === name && a.id !== except) ? { status: 409, body: { status: 409, detail: `The service account name ${name} is already used` } } : undefined;

function validBody(req: Request): { data: z.output<typeof ServiceAccountBody> } | { error: Response } {
  const parsed = parseBody(ServiceAccountBody, req);
  if ("error" in parsed) return parsed;
  const unknown = parsed.data.permissions.filter((p) => !req.store.catalog.includes(p));
  return unknown.length ? { error: saError(400, `Invalid permissions: ${unknown.join(", ")}`) } : parsed;
}

const notFound = () => saError(404, "Service account is not found");

/** /account/service-accounts (SA-SPEC). Errors are `{status, detail}`. */
export const accountRoutes: Route[] = [
  // The catalogue needs only authentication (its spec documents no 403).
  { method: "GET", pattern: "/account/service-accounts/permissions", handle: (req) => ok([...req.store.catalog]) },
  {
    method: "GET",
    pattern: "/account/service-accounts/count",
    handle: (req) => requireAny(req, MANAGE, "TMC_SUBSCRIPTION_MANAGEMENT") ?? ok({ tenantId: req.store.tenantId, count: req.store.serviceAccounts.size }),
  },
  { method: "GET", pattern: "/account/service-accounts", handle: (req) => requireAny(req, MANAGE) ?? ok([...req.store.serviceAccounts.values()].map(view)) },
  {
    method: "POST",
    pattern: "/account/service-accounts",
    handle(req) {
      const denied = requireAny(req, MANAGE);
      if (denied) return denied;
      const body = validBody(req);
      if ("error" in body) return body.error;
      const taken = nameTaken(req, body.data.name);
      if (taken) return taken;
      const sa = req.store.createServiceAccount(body.data.name, body.data.permissions);
      return { status: 201, body: { ...view(sa), secret: sa.secret }, headers: { location: `${req.baseUrl}/account/service-accounts/${sa.id}` } };
    },
  },
  {
    method: "GET",
    pattern: "/account/service-accounts/:id",
    handle(req) {
      const sa = req.store.serviceAccounts.get(req.params.id!);
      return requireAny(req, MANAGE) ?? (sa ? ok(view(sa)) : notFound());
    },
  },
  {
    method: "PUT",
    pattern: "/account/service-accounts/:id",
    handle(req) {
      const id = req.params.id!;
      const denied = requireAny(req, MANAGE);
      if (denied) return denied;
      if (!req.store.serviceAccounts.has(id)) return notFound();
      const body = validBody(req);
      if ("error" in body) return body.error;
      // Full replacement: the permissions sent are the permissions kept. Existing tokens keep their snapshot.
      return nameTaken(req, body.data.name, id) ?? ok(view(req.store.updateServiceAccount(id, body.data)));
    },
  },
  {
    method: "DELETE",
    pattern: "/account/service-accounts/:id",
    handle(req) {
      const denied = requireAny(req, MANAGE);
      if (denied) return denied;
      if (!req.store.serviceAccounts.has(req.params.id!)) return notFound();
      req.store.deleteServiceAccount(req.params.id!);
      return noContent();
    },
  },
];
