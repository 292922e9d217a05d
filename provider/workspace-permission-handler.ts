import { TalendError, type WorkspacePermissionValue, ignoreNotFound, isTalendError, mayHaveTakenEffect } from "../sdk";
import type { Handler } from "./dynamic";
import { nameChecked } from "./name-checks";
import { journalKey, readEntry, removeEntry, writeEntry } from "./journal";
import type { Context } from "./settings";
import { changedKeys, checkInputs, normalizeSet } from "./validation";
import { WORKSPACE_PERMISSION_REPLACES, type WorkspacePermissionInputs, WorkspacePermissionInputsSchema, type WorkspacePermissionOutputs, permissionId } from "./workspace-permission-inputs";

/**
 * Authoritative for one (workspace, service account) pair, and for nothing else: it uses the unitary endpoints
 * only, never the batch ones (an empty id list there wipes every account's permissions on a workspace).
 * Every change marks the account's tokens stale, so nothing run afterwards hits the stale-token 403.
 */
export function workspacePermissionHandler(ctx: () => Context): Handler {
  return {
    async check(_olds, news) {
      return nameChecked(ctx, _olds, checkInputs(WorkspacePermissionInputsSchema, news, "WorkspacePermission"), "WorkspacePermission");
    },

    async diff(_id, olds: WorkspacePermissionOutputs, news: WorkspacePermissionInputs) {
      await settled(ctx(), olds);
      const replaces = changedKeys(olds, news, WORKSPACE_PERMISSION_REPLACES);
      const changes = [...replaces, ...changedKeys(olds, news, ["permissions", "adoptExisting"])];
      return { changes: changes.length > 0, replaces };
    },

    async create(inputs: WorkspacePermissionInputs) {
      const c = ctx();
      const { client } = c;
      const workspaceId = await resolveWorkspace(c, inputs);
      const sa = inputs.serviceAccountId;
      // An intent left by an apply that died after posting makes a 409 ours to take over (see journal.ts).
      const key = journalKey(c.settings.baseUrl, inputs.stateKey ?? "", workspaceId, sa);
      const prior = await readEntry("grants", key);
      await writeEntry("grants", key, { postedAt: prior?.postedAt ?? Date.now() });
      let adopted = false;
      try {
        await client.workspacePermissions.create(workspaceId, sa, inputs.permissions);
      } catch (e) {
        if (isTalendError(e, 409)) {
          if (!inputs.adoptExisting && !prior) {
            await removeEntry("grants", key);
            throw alreadyGranted(workspaceId, sa);
          }
          await client.workspacePermissions.replace(workspaceId, sa, inputs.permissions);
          adopted = !prior;
        } else if (mayHaveTakenEffect(e)) {
          // The POST may have landed: converge with an idempotent PUT, or POST again if it did not.
          await converge(ctx(), workspaceId, sa, inputs.permissions);
        } else throw e;
      } finally {
        client.markPermissionsChanged(sa);
      }
      const outs: WorkspacePermissionOutputs = { ...inputs, resolvedWorkspaceId: workspaceId, adopted };
      return { id: permissionId(workspaceId, sa), outs };
    },

    async read(id, props: WorkspacePermissionOutputs) {
      await settled(ctx(), props);
      try {
        const current = await ctx().client.workspacePermissions.get(props.resolvedWorkspaceId, props.serviceAccountId);
        return { id, props: { ...props, permissions: normalizeSet(current.permissions) } };
      } catch (e) {
        if (isTalendError(e, 404)) return {};
        throw e;
      }
    },

    async update(_id, olds: WorkspacePermissionOutputs, news: WorkspacePermissionInputs) {
      await settled(ctx(), olds);
      await converge(ctx(), olds.resolvedWorkspaceId, olds.serviceAccountId, news.permissions);
      ctx().client.markPermissionsChanged(olds.serviceAccountId);
      return { outs: { ...olds, ...news } };
    },

    async delete(_id, props: WorkspacePermissionOutputs) {
      await settled(ctx(), props);
      await ignoreNotFound(ctx().client.workspacePermissions.delete(props.resolvedWorkspaceId, props.serviceAccountId));
      ctx().client.markPermissionsChanged(props.serviceAccountId);
    },
  };
}

/** State holds this grant: its create intent has served (see journal.ts). */
function settled(ctx: Context, props: WorkspacePermissionOutputs): Promise<void> {
  return props?.resolvedWorkspaceId ? removeEntry("grants", journalKey(ctx.settings.baseUrl, props.stateKey ?? "", props.resolvedWorkspaceId, props.serviceAccountId)) : Promise.resolve();
}

const CONVERGE_ATTEMPTS = 3;

/**
 * PUT the set; if the pair has none (deleted behind our back, or a lost POST that did not land), POST it. A
 * POST whose answer is lost again, or a 409 from a concurrent grant, sends us round once more (bounded).
 */
async function converge(ctx: Context, workspaceId: string, sa: string, permissions: WorkspacePermissionValue[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.client.workspacePermissions.replace(workspaceId, sa, permissions);
      return;
    } catch (e) {
      if (!isTalendError(e, 404)) throw e;
    }
    try {
      await ctx.client.workspacePermissions.create(workspaceId, sa, permissions);
      return;
    } catch (e) {
      if (attempt >= CONVERGE_ATTEMPTS || !(mayHaveTakenEffect(e) || isTalendError(e, 409))) throw e;
    }
  }
}

async function resolveWorkspace(ctx: Context, inputs: WorkspacePermissionInputs): Promise<string> {
  if (inputs.workspaceId) return inputs.workspaceId;
  const ws = await ctx.client.workspaces.getByName(inputs.workspace as string, inputs.environment as string);
  return ws.id;
}

function alreadyGranted(workspaceId: string, sa: string): TalendError {
  return new TalendError({
    kind: "http",
    status: 409,
    message: `WorkspacePermission: service account ${sa} already has permissions on workspace ${workspaceId}`,
    hint: `set adoptExisting: true to manage them, or import the pair: pulumi import ... ${permissionId(workspaceId, sa)}`,
  });
}
