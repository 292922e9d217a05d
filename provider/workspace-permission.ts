import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { WORKSPACE_PERMISSIONS, type WorkspacePermissionValue, createOnce, ignoreNotFound, isTalendError } from "../sdk";
import { ProviderError } from "./errors";
import { nameChecked } from "./name-checks";
import type { Context } from "./context";
import { DynamicResource } from "./shim";
import type { ArgsOf } from "./types";
import { changedKeys, checkInputs, normalizeSet } from "./validation";

const id = (what: string) => z.string({ error: `must be the ${what} id (a string)` }).trim().min(1, "must not be empty").regex(/^[A-Za-z0-9_-]+$/, `must be a ${what} id as Talend returns it (letters, digits, '-' and '_')`);

/** One service account's permissions on one workspace. The workspace is given by id or by name + environment. */
export const WorkspacePermissionInputsSchema = z.object({
  /** The service account (a ServiceAccount's `clientId`). */
  serviceAccountId: id("service account"),
  /** The workspace id; or give `workspace` and `environment` names. */
  workspaceId: id("workspace").optional(),
  /** Workspace name, looked up in `environment`. */
  workspace: z.string().trim().min(1, "must not be empty").optional(),
  /** Environment name of `workspace`. */
  environment: z.string().trim().min(1, "must not be empty").optional(),
  /** The complete set of the account's permissions on the workspace; order-insensitive. */
  permissions: z
    .array(z.enum(WORKSPACE_PERMISSIONS, { error: `must be one of ${WORKSPACE_PERMISSIONS.join(", ")}` }), { error: "must be a list of workspace permissions" })
    .min(1, `must name at least one of ${WORKSPACE_PERMISSIONS.join(", ")}; delete the resource to remove all`)
    .transform((values) => [...new Set(values)].sort()),
  /** Manage permissions the account already has on the workspace instead of failing with 409. */
  adoptExisting: z.boolean({ error: "must be true or false" }).default(false),
});
export type WorkspacePermissionInputs = z.output<typeof WorkspacePermissionInputsSchema>;

function workspaceRules(v: Partial<WorkspacePermissionInputs>, ctx: z.RefinementCtx): void {
  const byName = v.workspace !== undefined || v.environment !== undefined;
  if (v.workspaceId !== undefined && byName) ctx.addIssue({ code: "custom", path: ["workspaceId"], message: "give either workspaceId, or workspace and environment, not both" });
  else if (v.workspaceId === undefined && (v.workspace === undefined || v.environment === undefined))
    ctx.addIssue({ code: "custom", path: [v.workspace === undefined ? "workspace" : "environment"], message: "give workspaceId, or both workspace (name) and environment (name)" });
}

/** Inputs whose change replaces the grant (another pair); `permissions` update in place. */
export const WORKSPACE_PERMISSION_REPLACES = ["serviceAccountId", "workspaceId", "workspace", "environment"] as const;

export interface WorkspacePermissionOutputs extends WorkspacePermissionInputs {
  resolvedWorkspaceId: string;
  adopted: boolean;
}

export type WorkspacePermissionArgs = ArgsOf<z.input<typeof WorkspacePermissionInputsSchema>>;

/**
 * The complete set of permissions of one service account on one workspace (authoritative for that pair only;
 * other principals are never touched). Changing the permissions updates in place; changing the account or
 * the workspace replaces. Every change invalidates the account's cached tokens.
 */
export class WorkspacePermission extends DynamicResource {
  /** The service account holding the permissions. */
  declare readonly serviceAccountId: pulumi.Output<string>;
  /** The workspace id, resolved from `workspace` + `environment` when given by name. */
  declare readonly resolvedWorkspaceId: pulumi.Output<string>;
  /** The permissions, sorted, as Talend reports them. */
  declare readonly permissions: pulumi.Output<WorkspacePermissionValue[]>;
  /** True when existing permissions were adopted. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: WorkspacePermissionArgs, opts?: pulumi.CustomResourceOptions) {
    super("WorkspacePermission", name, workspacePermissionProps(args), opts);
  }
}

/** The grant resource's properties: the args and the outputs to fill (shared with the provider plugin's TaskRunner). */
export function workspacePermissionProps(args: WorkspacePermissionArgs): pulumi.Inputs {
  return { resolvedWorkspaceId: undefined, adopted: undefined, ...args };
}

/**
 * Authoritative for one (workspace, service account) pair, and for nothing else: it uses the unitary endpoints
 * only, never the batch ones (an empty id list there wipes every account's permissions on a workspace).
 * Every change marks the account's tokens stale, so nothing run afterwards hits the stale-token 403.
 */
export function workspacePermissionProvider(ctx: () => Context): pulumi.dynamic.ResourceProvider<WorkspacePermissionInputs, WorkspacePermissionOutputs> {
  return {
    async check(olds, news) {
      return nameChecked(ctx, olds, checkInputs(WorkspacePermissionInputsSchema, workspaceRules, news, "WorkspacePermission"), "WorkspacePermission");
    },

    async diff(_id, olds, news) {
      const replaces = changedKeys(olds, news, WORKSPACE_PERMISSION_REPLACES);
      const changes = [...replaces, ...changedKeys(olds, news, ["permissions", "adoptExisting"])];
      // Same account: the replacement may name the same pair, which must be free before it is granted again.
      // Another account (a rotation): grant the new one first, so the workspace is never without a runner.
      return { changes: changes.length > 0, replaces, deleteBeforeReplace: !changedKeys(olds, news, ["serviceAccountId"]).length };
    },

    async create(inputs) {
      return grant(ctx(), inputs);
    },

    async read(id, props) {
      const current = await currentPermissions(ctx(), props!.resolvedWorkspaceId, props!.serviceAccountId);
      // Talend may report values this version does not know: they show as drift rather than being dropped.
      return current ? { id, props: { ...props!, permissions: current as WorkspacePermissionValue[] } } : {};
    },

    async update(_id, olds, news) {
      const c = ctx();
      try {
        await c.client.workspacePermissions.replace(olds.resolvedWorkspaceId, olds.serviceAccountId, news.permissions);
      } catch (e) {
        if (!isTalendError(e, 404)) throw e;
        // Removed behind our back: grant it again, through the same path as a create.
        await grant(c, { ...news, workspaceId: olds.resolvedWorkspaceId, workspace: undefined, environment: undefined });
      } finally {
        c.client.markPermissionsChanged(olds.serviceAccountId);
      }
      return { outs: { ...olds, ...news } };
    },

    async delete(_id, props) {
      await ignoreNotFound(ctx().client.workspacePermissions.delete(props.resolvedWorkspaceId, props.serviceAccountId));
      ctx().client.markPermissionsChanged(props.serviceAccountId);
    },
  };
}

/** Grants the declared set on a pair that may or may not hold permissions already (see createOnce). */
async function grant(c: Context, inputs: WorkspacePermissionInputs): Promise<{ id: string; outs: WorkspacePermissionOutputs }> {
  const workspaceId = await resolveWorkspace(c, inputs);
  const sa = inputs.serviceAccountId;
  const id = permissionId(workspaceId, sa);
  const outs = (adopted: boolean): WorkspacePermissionOutputs => ({ ...inputs, resolvedWorkspaceId: workspaceId, adopted });
  try {
    if (inputs.adoptExisting) {
      // Adopting writes only what differs: importing a tenant as it is sends nothing that changes it.
      const existing = await currentPermissions(c, workspaceId, sa);
      if (existing) {
        if (existing.join() !== inputs.permissions.join()) await c.client.workspacePermissions.replace(workspaceId, sa, inputs.permissions);
        return { id, outs: outs(true) };
      }
    }
    return await createOnce<{ id: string; outs: WorkspacePermissionOutputs }>({
      what: `WorkspacePermission ${id}`,
      clock: c.clock,
      post: async () => {
        await c.client.workspacePermissions.create(workspaceId, sa, inputs.permissions);
        return { id, outs: outs(false) };
      },
      reconcile: async (why, error) => {
        const existing = await currentPermissions(c, workspaceId, sa);
        if (!existing) return { retry: true };
        // Exactly our set: the POST of an attempt whose answer was lost (here, or with an apply that died).
        if (existing.join() === inputs.permissions.join()) return { adopt: { id, outs: outs(false) } };
        if (why === "conflict" && !inputs.adoptExisting) return { fail: new ProviderError("grant-held", { serviceAccountId: sa, workspaceId, held: existing.join(", ") }, { cause: error }) };
        await c.client.workspacePermissions.replace(workspaceId, sa, inputs.permissions);
        return { adopt: { id, outs: outs(why === "conflict") } };
      },
    });
  } finally {
    c.client.markPermissionsChanged(sa);
  }
}

/** The pair's permissions, sorted; undefined when the account has none on the workspace. */
async function currentPermissions(ctx: Context, workspaceId: string, sa: string): Promise<string[] | undefined> {
  const found = await ignoreNotFound(ctx.client.workspacePermissions.get(workspaceId, sa));
  return found && normalizeSet(found.permissions);
}

async function resolveWorkspace(ctx: Context, inputs: WorkspacePermissionInputs): Promise<string> {
  if (inputs.workspaceId) return inputs.workspaceId;
  const ws = await ctx.client.workspaces.getByName(inputs.workspace as string, inputs.environment as string);
  return ws.id;
}

/** Composite id: `<workspaceId>/<serviceAccountId>`. */
export function permissionId(workspaceId: string, serviceAccountId: string): string {
  return `${workspaceId}/${serviceAccountId}`;
}
