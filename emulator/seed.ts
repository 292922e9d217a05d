import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * "Tasks and Plans - Edit" has no published ID. The emulator invents this one (configurable), lists it in its
 * permission catalogue, and requires it to run tasks as a service account, like Talend does.
 */
export const DEFAULT_TASKS_AND_PLANS_EDIT = "TMC_TASKS_AND_PLANS_EDIT";

export const DOCUMENTED_CATALOG = [
  "TMC_USER_MANAGEMENT", "TMC_ROLE_MANAGEMENT", "TMC_GROUP_MANAGEMENT", "TMC_SUBSCRIPTION_MANAGEMENT", "TMC_POLICY_PASSWORD",
  "TMC_SSO_MANAGEMENT", "TMC_SERVICE_ACCOUNT_MANAGEMENT", "AUDIT_LOGS_VIEW", "TMC_PROJECT_MANAGEMENT", "TMC_CONFIGURATION_NEXUS_USERLIBS",
  "TMC_PIPELINE_MANAGEMENT", "TMC_ENVIRONMENT_MANAGEMENT", "TMC_PROMOTION_EXECUTION", "TMC_CLUSTER_MANAGEMENT", "TMC_STATIC_IP_MANAGEMENT",
  "TMC_EXPORT_LOGS_MANAGEMENT", "TMC_CLOUD_CONFIGURATION_MANAGEMENT", "TMC_RUN_PROFILE_MANAGEMENT", "TMC_OPERATOR", "TMC_ENGINE_USE",
  "TMC_CONNECTION_RESOURCE_EDIT", "EXECUTION_LOGS_DELETE",
];

const WorkspacePermissions = z.array(z.enum(["AUTHOR", "EXECUTE", "VIEW", "MANAGE", "PUBLISH"]));

export const SeedTaskRunSchema = z.object({
  dispatchSeconds: z.number().min(0).default(1),
  durationSeconds: z.number().min(0).default(5),
  outcome: z.enum(["success", "failure", "rejected"]).default("success"),
  errorMessage: z.string().optional(),
  logLines: z.array(z.string()).default([]),
});

export const SeedUserSchema = z.object({
  id: z.string(),
  login: z.string(),
  pat: z.string().min(6),
  permissions: z.array(z.string()),
  /** "*" = every permission on every workspace; else permissions per workspace id or name. */
  workspaces: z.union([z.literal("*"), z.record(z.string(), WorkspacePermissions)]).default({}),
});

export const SeedSchema = z.object({
  tenantId: z.string().default("tenant-emulator"),
  permissionCatalog: z.array(z.string()).optional(),
  users: z.array(SeedUserSchema),
  environments: z.array(z.object({ id: z.string().optional(), name: z.string(), default: z.boolean().optional() })),
  workspaces: z.array(z.object({ id: z.string().optional(), name: z.string(), environment: z.string(), owner: z.string().default("admin@example.com"), type: z.enum(["shared", "personal", "custom"]).default("custom") })),
  tasks: z.array(
    z.object({
      id: z.string().optional(),
      name: z.string(),
      workspace: z.string(),
      environment: z.string(),
      version: z.string().default("0.1"),
      artifact: z.object({ id: z.string(), name: z.string(), version: z.string() }).optional(),
      paused: z.boolean().default(false),
      run: SeedTaskRunSchema.default(SeedTaskRunSchema.parse({})),
    }),
  ),
});
export type Seed = z.input<typeof SeedSchema>;
export type SeedTask = z.input<typeof SeedSchema>["tasks"][number];
export type SeedTaskRun = z.output<typeof SeedTaskRunSchema>;
export type SeedUser = z.input<typeof SeedUserSchema>;

/** Stable 24-hex ids (like Talend's) derived from names, so seeds and tests can rely on them. */
export function hexId(...parts: string[]): string {
  return createHash("sha1").update(parts.join("/")).digest("hex").slice(0, 24);
}

export function defaultSeed(): Seed {
  return {
    tenantId: "tenant-emulator",
    users: [
      { id: "user-admin", login: "admin@example.com", pat: "emulator-admin-pat", permissions: ["*"], workspaces: "*" },
      { id: "user-viewer", login: "viewer@example.com", pat: "emulator-viewer-pat", permissions: [], workspaces: {} },
    ],
    environments: [{ name: "development", default: true }, { name: "production" }],
    workspaces: [
      { name: "ops", environment: "development" },
      { name: "analytics", environment: "development" },
      { name: "ops", environment: "production" },
    ],
    tasks: [
      { name: "seed-database", workspace: "ops", environment: "development", run: { dispatchSeconds: 1, durationSeconds: 5, outcome: "success", logLines: ["Connecting to database", "Loaded 1200 rows into customers", "Loaded 87 rows into regions"] } },
      { name: "seed-database", workspace: "ops", environment: "production", run: { dispatchSeconds: 1, durationSeconds: 5, outcome: "success", logLines: ["Connecting to database", "Loaded 1200 rows into customers"] } },
      {
        name: "nightly-load",
        workspace: "analytics",
        environment: "development",
        run: { dispatchSeconds: 1, durationSeconds: 3, outcome: "failure", errorMessage: "tMap_1: java.lang.NullPointerException at row 1042", logLines: ["Reading orders", "Processed 1041 rows", "ERROR tMap_1: java.lang.NullPointerException at row 1042"] },
      },
      { name: "long-migration", workspace: "ops", environment: "development", run: { dispatchSeconds: 1, durationSeconds: 7200, outcome: "success", logLines: ["Migrating schema", "Copying partitions"] } },
    ],
  };
}
