import { z } from "zod";
import type { TalendClient } from "./client";
import { path } from "./paths";

/** A service account as returned by /account/service-accounts (the secret only on create). */
export const ServiceAccountRecordSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  permissions: z.array(z.string()),
  createdDate: z.string(),
  lastModifiedDate: z.string(),
  /** Volatile: changes every time a token of the account calls the API. */
  lastUsedDate: z.string().optional(),
  lastUsedApi: z.string().optional(),
});
export type ServiceAccountRecord = z.infer<typeof ServiceAccountRecordSchema>;

export const CreatedServiceAccountSchema = ServiceAccountRecordSchema.extend({ secret: z.string().min(1) });
export type CreatedServiceAccount = z.infer<typeof CreatedServiceAccountSchema>;

export const ServiceAccountInputSchema = z.object({
  name: z.string().min(1),
  permissions: z.array(z.string().min(1)),
});
export type ServiceAccountInput = z.infer<typeof ServiceAccountInputSchema>;

export const PermissionCatalogSchema = z.array(z.string());

/** /account/service-accounts: caller needs TMC_SERVICE_ACCOUNT_MANAGEMENT. */
export class ServiceAccountsApi {
  constructor(private readonly client: TalendClient) {}

  /** Creates an account; the response holds its secret, which Talend never shows again. Not retried blindly. */
  async create(input: ServiceAccountInput): Promise<CreatedServiceAccount> {
    return this.client.request({ method: "POST", path: "/account/service-accounts", body: ServiceAccountInputSchema.parse(input) }, CreatedServiceAccountSchema);
  }

  async list(): Promise<ServiceAccountRecord[]> {
    return this.client.request({ method: "GET", path: "/account/service-accounts" }, z.array(ServiceAccountRecordSchema));
  }

  async get(id: string): Promise<ServiceAccountRecord> {
    return this.client.request({ method: "GET", path: path`/account/service-accounts/${id}` }, ServiceAccountRecordSchema);
  }

  /** Replaces name and permissions (the only mutable fields). */
  async update(id: string, input: ServiceAccountInput): Promise<ServiceAccountRecord> {
    return this.client.request({ method: "PUT", path: path`/account/service-accounts/${id}`, body: ServiceAccountInputSchema.parse(input) }, ServiceAccountRecordSchema);
  }

  async delete(id: string): Promise<undefined> {
    return this.client.request({ method: "DELETE", path: path`/account/service-accounts/${id}` });
  }

  /** Permission IDs a service account may hold (IDs only; Talend publishes no display names here). */
  async permissionCatalog(): Promise<string[]> {
    return this.client.request({ method: "GET", path: "/account/service-accounts/permissions" }, PermissionCatalogSchema);
  }

  /** Accounts with exactly this name (names are unique in a tenant, so zero or one). */
  async findByName(name: string): Promise<ServiceAccountRecord | undefined> {
    return (await this.list()).find((a) => a.name === name);
  }
}
