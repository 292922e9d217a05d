import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * "Tasks and Plans - Edit" has no published permission ID (reference §2.1, open question 1). This one is an
 * emulator invention, configurable with `tasksAndPlansEditPermission`; it is listed in the catalogue and
 * required to run tasks as a service account, as in the support article on 403.
 */
export const DEFAULT_TASKS_AND_PLANS_EDIT = "TMC_TASKS_AND_PLANS_EDIT";

/** The documented TMC permission IDs (reference §2.1). */
export const DOCUMENTED_CATALOG = [
  "TMC_USER_MANAGEMENT", "TMC_ROLE_MANAGEMENT", "TMC_GROUP_MANAGEMENT", "TMC_SUBSCRIPTION_MANAGEMENT", "TMC_POLICY_PASSWORD",
  "TMC_SSO_MANAGEMENT", "TMC_SERVICE_ACCOUNT_MANAGEMENT", "AUDIT_LOGS_VIEW", "TMC_PROJECT_MANAGEMENT", "TMC_CONFIGURATION_NEXUS_USERLIBS",
  "TMC_PIPELINE_MANAGEMENT", "TMC_ENVIRONMENT_MANAGEMENT", "TMC_PROMOTION_EXECUTION", "TMC_CLUSTER_MANAGEMENT", "TMC_STATIC_IP_MANAGEMENT",
  "TMC_EXPORT_LOGS_MANAGEMENT", "TMC_CLOUD_CONFIGURATION_MANAGEMENT", "TMC_RUN_PROFILE_MANAGEMENT", "TMC_OPERATOR", "TMC_ENGINE_USE",
  "TMC_CONNECTION_RESOURCE_EDIT", "EXECUTION_LOGS_DELETE",
];

export const WORKSPACE_PERMISSIONS = ["AUTHOR", "EXECUTE", "VIEW", "MANAGE", "PUBLISH"] as const;
export const WorkspacePermissionsSchema = z.array(z.enum(WORKSPACE_PERMISSIONS));

/**
 * Workspace permissions keyed by workspace id, "environment/workspace" name, or a bare workspace name (which
 * then applies to that name in every environment).
 */
const WorkspaceGrants = z.record(z.string(), WorkspacePermissionsSchema);

export const SeedTaskRunSchema = z.object({
  /** Seconds in `dispatching` after the trigger. */
  dispatchSeconds: z.number().min(0).default(1),
  /** Seconds from the trigger to the outcome (so `executing` lasts durationSeconds - dispatchSeconds). */
  durationSeconds: z.number().min(0).default(5),
  outcome: z.enum(["success", "failure", "rejected"]).default("success"),
  errorMessage: z.string().optional(),
  /** Emitted evenly while executing. Lines starting with "ERROR" or "WARN" get that severity. */
  logLines: z.array(z.string()).default([]),
});

export const SeedUserSchema = z.object({
  id: z.string().min(1),
  login: z.string().min(1),
  pat: z.string().min(6),
  /** Account permission IDs; "*" stands for the whole catalogue. Live: changes apply to the PAT at once. */
  permissions: z.array(z.string()),
  /** "*" = every permission on every workspace. */
  workspaces: z.union([z.literal("*"), WorkspaceGrants]).default({}),
});

export const SeedTaskSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  workspace: z.string(),
  environment: z.string(),
  version: z.string().default("0.1.0"),
  artifact: z.object({ id: z.string(), name: z.string(), version: z.string() }).optional(),
  paused: z.boolean().default(false),
  tags: z.array(z.string()).default([]),
  /** Context parameters with their default values, as TaskV21.parameters shows them. */
  parameters: z.record(z.string(), z.string()).default({}),
  run: SeedTaskRunSchema.default(SeedTaskRunSchema.parse({})),
});

export const SeedServiceAccountSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  secret: z.string().optional(),
  permissions: z.array(z.string()).default([]),
  workspaces: WorkspaceGrants.default({}),
});

export const SeedSchema = z.object({
  tenantId: z.string().default("00000000-0000-4000-8000-00000000e1a0"),
  /** Defaults to DOCUMENTED_CATALOG; the tasks-and-plans-edit ID is always added. */
  permissionCatalog: z.array(z.string()).optional(),
  users: z.array(SeedUserSchema),
  environments: z.array(z.object({ id: z.string().optional(), name: z.string().min(1), description: z.string().optional(), default: z.boolean().default(false) })),
  workspaces: z.array(
    z.object({
      id: z.string().optional(),
      name: z.string().min(1),
      environment: z.string(),
      owner: z.string().default("admin@example.com"),
      type: z.enum(["shared", "personal", "custom"]).default("custom"),
    }),
  ),
  tasks: z.array(SeedTaskSchema).default([]),
  serviceAccounts: z.array(SeedServiceAccountSchema).default([]),
});

/** What a seed file may contain (defaults filled in by SeedSchema.parse). */
export type Seed = z.input<typeof SeedSchema>;
export type SeedTask = z.input<typeof SeedTaskSchema>;
export type SeedTaskRun = z.output<typeof SeedTaskRunSchema>;
export type SeedUser = z.input<typeof SeedUserSchema>;
export type SeedServiceAccount = z.input<typeof SeedServiceAccountSchema>;

/** Stable 24-hex ids (the shape of Talend's) derived from names, so seeds and tests can rely on them. */
export function hexId(...parts: string[]): string {
  return createHash("sha1").update(parts.join("/")).digest("hex").slice(0, 24);
}

export function defaultSeed(): Seed {
  return {
    tenantId: "00000000-0000-4000-8000-00000000e1a0",
    permissionCatalog: [...DOCUMENTED_CATALOG],
    users: [
      { id: "3f6b1c2e-0a4d-4e59-9b7a-000000000001", login: "admin@example.com", pat: "emulator-admin-pat", permissions: ["*"], workspaces: "*" },
      { id: "3f6b1c2e-0a4d-4e59-9b7a-000000000002", login: "viewer@example.com", pat: "emulator-viewer-pat", permissions: [], workspaces: {} },
    ],
    environments: [{ name: "development", default: true }, { name: "production" }],
    // "ops" exists in both environments on purpose: lookups by name alone are ambiguous.
    workspaces: [
      { name: "ops", environment: "development" },
      { name: "analytics", environment: "development" },
      { name: "ops", environment: "production" },
    ],
    tasks: [
      {
        name: "seed-database", workspace: "ops", environment: "development", parameters: { target_schema: "public" },
        run: { dispatchSeconds: 1, durationSeconds: 5, outcome: "success", logLines: ["Connecting to database", "Loaded 1200 rows into customers", "Loaded 87 rows into regions"] },
      },
      {
        name: "nightly-load", workspace: "analytics", environment: "development", tags: ["nightly"],
        run: {
          dispatchSeconds: 1, durationSeconds: 3, outcome: "failure", errorMessage: "tMap_1: java.lang.NullPointerException at row 1042",
          logLines: ["Reading orders", "Processed 1041 rows", "ERROR tMap_1: java.lang.NullPointerException at row 1042"],
        },
      },
      {
        name: "long-migration", workspace: "ops", environment: "development",
        run: { dispatchSeconds: 1, durationSeconds: 7200, outcome: "success", logLines: ["Migrating schema", "Copying partitions", "Rebuilding indexes"] },
      },
      {
        name: "seed-database", workspace: "ops", environment: "production", parameters: { target_schema: "public" },
        run: { dispatchSeconds: 1, durationSeconds: 5, outcome: "success", logLines: ["Connecting to database", "Loaded 1200 rows into customers"] },
      },
    ],
  };
}
