import { z } from "zod";

/** One source of truth for ServiceAccount inputs: the resource's Args type and `check` both derive from it. */
export const ServiceAccountInputsSchema = z.object({
  /** Account name in Talend (unique in the tenant). With `uniqueSuffix`, a random suffix is appended. */
  name: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters")
    .regex(/^[^\u0000-\u001f\u007f/\\]+$/, "must not contain control characters or slashes"),
  /** Account permission IDs, e.g. TMC_ENGINE_USE. Order-insensitive; duplicates are folded. */
  permissions: z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be a permission ID such as TMC_ENGINE_USE (upper case, digits, underscores)"), { error: "must be a list of permission IDs" })
    .default([])
    .transform((ids) => [...new Set(ids)].sort()),
  /** Take over an existing account of that name instead of failing. Talend never shows its secret again, so `clientSecret` stays empty. */
  adoptExisting: z.boolean({ error: "must be true or false" }).default(false),
  /** Change this value to replace the account and get a new secret (Talend cannot rotate a secret in place). */
  rotateSecret: z.string({ error: "must be a string" }).optional(),
  /**
   * Append a random suffix to the Talend name so that a rotation can create the new account before deleting
   * the old one (zero-downtime). Without it, a rotation deletes first because names are unique.
   */
  uniqueSuffix: z.boolean({ error: "must be true or false" }).default(false),
  /** Internal: project/stack/resource name, set by the resource class; keys the create journal. */
  stateKey: z.string().optional(),
  /** Internal: the suffix chosen at first check, kept until the next rotation. */
  suffix: z.string().regex(/^[0-9a-f]{6}$/).optional(),
});
export type ServiceAccountInputs = z.output<typeof ServiceAccountInputsSchema>;

/** Inputs whose change replaces the account (a new id and secret); the others update in place. */
export const SERVICE_ACCOUNT_REPLACES = ["rotateSecret", "uniqueSuffix", "suffix"] as const;

/** The name the account carries in Talend. */
export function accountNameOf(inputs: Pick<ServiceAccountInputs, "name" | "uniqueSuffix" | "suffix">): string {
  return inputs.uniqueSuffix && inputs.suffix ? `${inputs.name}-${inputs.suffix}` : inputs.name;
}

export interface ServiceAccountOutputs extends ServiceAccountInputs {
  accountName: string;
  clientId: string;
  clientSecret?: string;
  createdDate: string;
  lastModifiedDate: string;
  adopted: boolean;
}
