import { randomBytes } from "node:crypto";
import { type CreatedServiceAccount, type ServiceAccount, TalendError, closestIds, ignoreNotFound, isTalendError, mayHaveTakenEffect } from "../sdk";
import { nameChecked } from "./name-checks";
import { journalKey, readEntry, removeEntry, writeEntry } from "./journal";
import type { Handler } from "./dynamic";
import { SERVICE_ACCOUNT_REPLACES, type ServiceAccountInputs, ServiceAccountInputsSchema, type ServiceAccountOutputs, accountNameOf } from "./service-account-inputs";
import type { Context } from "./settings";
import { changedKeys, checkInputs, containsUnknown, normalizeSet, partialFailure } from "./validation";

/** A lost create response is ours to clean up only if the account appeared after we sent it (allowing skew). */
const CLOCK_SKEW_MS = 5 * 60_000;
const CREATE_ATTEMPTS = 3;

export function serviceAccountHandler(ctx: () => Context): Handler {
  return {
    async check(olds, news) {
      const result = checkInputs(ServiceAccountInputsSchema, news, "ServiceAccount");
      if (result.failures?.length || !result.inputs) return result;
      const inputs = result.inputs as ServiceAccountInputs;
      // The suffix survives updates and changes only with a rotation.
      const keep = olds?.suffix && olds.rotateSecret === inputs.rotateSecret && !containsUnknown(inputs.rotateSecret);
      if (inputs.uniqueSuffix) inputs.suffix = keep ? olds.suffix : randomBytes(3).toString("hex");
      else delete inputs.suffix;
      return nameChecked(ctx, olds, { inputs }, "ServiceAccount");
    },

    async diff(_id, olds: ServiceAccountOutputs, news: ServiceAccountInputs) {
      await settled(ctx(), olds);
      const replaces = changedKeys(olds, news, SERVICE_ACCOUNT_REPLACES);
      const expectedName = containsUnknown(news.name) ? news.name : accountNameOf(news);
      const updates = changedKeys({ ...olds, accountName: olds.accountName }, { ...news, accountName: expectedName }, ["accountName", "permissions"]);
      const changes = [...replaces, ...updates, ...changedKeys(olds, news, ["name", "adoptExisting"])];
      return {
        changes: changes.length > 0,
        replaces,
        // Names are unique: without a suffix the old account must go before its replacement can take the name.
        deleteBeforeReplace: replaces.length > 0 && !news.uniqueSuffix,
      };
    },

    async create(inputs: ServiceAccountInputs) {
      const { client } = ctx();
      await assertKnownPermissions(ctx(), inputs.permissions);
      const body = { name: accountNameOf(inputs), permissions: inputs.permissions };
      if (inputs.adoptExisting) {
        const existing = await client.serviceAccounts.findByName(body.name);
        if (existing) return adopt(ctx(), inputs, existing);
      }
      // An intent left by an apply that died after posting: the account it created is ours, secret lost.
      const key = journalKey(ctx().settings.baseUrl, inputs.stateKey ?? "", body.name);
      const prior = await readEntry("service-accounts", key);
      await writeEntry("service-accounts", key, { postedAt: prior?.postedAt ?? Date.now() });
      for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
        const sentAt = Date.now();
        try {
          const created = await client.serviceAccounts.create(body);
          await writeEntry("service-accounts", key, { postedAt: prior?.postedAt ?? sentAt, accountId: created.id });
          return { id: created.id, outs: await ready(ctx(), inputs, created) };
        } catch (e) {
          if (isTalendError(e, 409) && inputs.adoptExisting) {
            const existing = await client.serviceAccounts.findByName(body.name);
            if (existing) return adopt(ctx(), inputs, existing);
            continue; // deleted meanwhile: create again
          }
          const conflict = isTalendError(e, 409);
          // Evidence that the account may be ours: this POST's answer was lost, or (on 409) an earlier apply
          // recorded its intent and died. Without it, a 409 is someone else's account and is never touched.
          const since = conflict ? prior?.postedAt : mayHaveTakenEffect(e) ? sentAt : undefined;
          if (since === undefined) {
            await removeEntry("service-accounts", key);
            throw conflict ? alreadyExists(body.name) : e;
          }
          // Ours, created after our intent, and nobody holds its one-time secret: delete it and create again.
          const orphan = await client.serviceAccounts.findByName(body.name);
          if (orphan) {
            const ours = conflict && prior?.accountId ? orphan.id === prior.accountId : Date.parse(orphan.createdDate) >= since - CLOCK_SKEW_MS;
            if (!ours) {
              await removeEntry("service-accounts", key);
              throw alreadyExists(body.name);
            }
            await ignoreNotFound(client.serviceAccounts.delete(orphan.id));
          }
        }
      }
      throw new TalendError({
        kind: "ambiguous",
        message: `ServiceAccount "${body.name}": the create response was lost ${CREATE_ATTEMPTS} times; no account was left behind`,
        hint: "check connectivity to the Talend API and run `pulumi up` again",
      });
    },

    async read(id, props: ServiceAccountOutputs) {
      await settled(ctx(), props);
      try {
        const account = await ctx().client.serviceAccounts.get(id);
        return { id, props: { ...props, ...fromApi(account) } };
      } catch (e) {
        if (isTalendError(e, 404)) return {};
        throw e;
      }
    },

    async update(id, olds: ServiceAccountOutputs, news: ServiceAccountInputs) {
      await settled(ctx(), olds);
      const { client } = ctx();
      await assertKnownPermissions(ctx(), news.permissions);
      const name = accountNameOf(news);
      let account: ServiceAccount;
      try {
        account = await client.serviceAccounts.update(id, { name, permissions: news.permissions });
      } catch (e) {
        if (isTalendError(e, 409)) throw alreadyExists(name);
        if (isTalendError(e, 404)) throw new TalendError({ kind: "http", status: 404, message: `ServiceAccount "${olds.accountName}" (${id}) no longer exists in Talend`, hint: "run `pulumi refresh` so that the next `pulumi up` creates it again" });
        throw e;
      }
      // Tokens snapshot permissions: none minted before this change may be used again.
      client.markPermissionsChanged(id);
      return { outs: { ...olds, ...news, ...fromApi(account) } };
    },

    async delete(id, props: ServiceAccountOutputs) {
      await settled(ctx(), props);
      const { client } = ctx();
      await ignoreNotFound(client.serviceAccounts.delete(id));
      client.markPermissionsChanged(id);
    },
  };
}

/** State holds this account: its create intent has served (see journal.ts). */
function settled(ctx: Context, props: ServiceAccountOutputs): Promise<void> {
  return props?.accountName ? removeEntry("service-accounts", journalKey(ctx.settings.baseUrl, props.stateKey ?? "", props.accountName)) : Promise.resolve();
}

function fromApi(account: ServiceAccount) {
  return {
    accountName: account.name,
    permissions: normalizeSet(account.permissions),
    createdDate: account.createdDate,
    lastModifiedDate: account.lastModifiedDate,
  };
}

/** Readiness gate: a token can be minted with the new credentials, so dependents can use them at once. */
async function ready(ctx: Context, inputs: ServiceAccountInputs, created: CreatedServiceAccount) {
  const outs: ServiceAccountOutputs = { ...inputs, ...fromApi(created), clientId: created.id, clientSecret: created.secret, adopted: false };
  const delays = [250, 500, 1000, 2000, 4000];
  for (let i = 0; ; i++) {
    try {
      await ctx.client.asServiceAccount(created.id, created.secret).accessToken();
      return outs;
    } catch (e) {
      if (i >= delays.length || !isTalendError(e, 401)) {
        // Keep the account (and its one-time secret) in state rather than orphaning it.
        throw partialFailure(`ServiceAccount "${created.name}" was created but no token could be minted with its credentials yet: ${(e as Error).message}`, created.id, outs as unknown as Record<string, unknown>);
      }
      await new Promise((r) => setTimeout(r, delays[i]));
    }
  }
}

async function adopt(ctx: Context, inputs: ServiceAccountInputs, existing: ServiceAccount) {
  let account = existing;
  if (normalizeSet(existing.permissions).join() !== inputs.permissions.join()) {
    account = await ctx.client.serviceAccounts.update(existing.id, { name: existing.name, permissions: inputs.permissions });
    ctx.client.markPermissionsChanged(existing.id);
  }
  const outs: ServiceAccountOutputs = { ...inputs, ...fromApi(account), clientId: account.id, adopted: true };
  return { id: account.id, outs };
}

/** Unknown IDs fail before anything is sent, naming the closest IDs of the tenant's live catalogue. */
async function assertKnownPermissions(ctx: Context, permissions: string[]): Promise<void> {
  const catalog = await ctx.permissionCatalog();
  const unknown = permissions.filter((p) => !catalog.ids.includes(p));
  if (!unknown.length) return;
  const listed = unknown.map((p) => `"${p}"`).join(", ");
  const suggestions = unknown.map((p) => `instead of ${p}, did you mean ${closestIds(p, catalog.ids).join(" or ")}?`).join("; ");
  throw new TalendError({ kind: "config", message: `ServiceAccount.permissions: ${listed} not in this tenant's permission catalogue`, hint: `${suggestions} (getPermissionCatalog() lists them all)` });
}

function alreadyExists(name: string): TalendError {
  return new TalendError({
    kind: "http",
    status: 409,
    message: `ServiceAccount: an account named "${name}" already exists in Talend`,
    hint: "set adoptExisting: true to manage it (its secret cannot be recovered), choose another name, or set uniqueSuffix: true",
  });
}
