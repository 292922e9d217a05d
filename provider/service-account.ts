import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type CreatedServiceAccount, type ServiceAccountRecord as AccountRecord, TalendError, closestIds, createOnce, ignoreNotFound, isTalendError } from "../sdk";
import { ProviderError } from "./errors";
import { Intent, type IntentArgs, type IntentInputs, type IntentOutputs, intentOptions, intentProvider } from "./intent";
import { nameChecked } from "./name-checks";
import type { Context } from "./context";
import { DynamicResource } from "./shim";
import type { ArgsOf } from "./types";
import { changedKeys, checkInputs, containsUnknown, normalizeSet } from "./validation";

/** One source of truth for ServiceAccount inputs: the resource's Args type and `check` both derive from it. */
export const ServiceAccountInputsSchema = z.object({
  /** Account name in Talend (unique in the tenant). With `uniqueSuffix`, a suffix is appended. */
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
   * Append a suffix to the Talend name so that a rotation can create the new account before deleting the old
   * one (zero-downtime). The suffix derives from the stack, the resource and `rotateSecret`, so a retried
   * create uses the same name. Without it, a rotation deletes first because names are unique.
   */
  uniqueSuffix: z.boolean({ error: "must be true or false" }).default(false),
  /** Internal: the suffix, set by the resource class; kept until the next rotation. */
  suffix: z.string().regex(/^[0-9a-f]{6}$/).optional(),
  /** Internal: Talend's time when the create intent was recorded (see intent.ts). */
  intentAt: z.number().optional(),
});
export type ServiceAccountInputs = z.output<typeof ServiceAccountInputsSchema>;

/** Inputs whose change replaces the account (a new id and secret); the others update in place. */
export const SERVICE_ACCOUNT_REPLACES = ["rotateSecret", "uniqueSuffix", "suffix"] as const;

export interface ServiceAccountOutputs extends Omit<ServiceAccountInputs, "intentAt"> {
  accountName: string;
  clientId: string;
  clientSecret?: string;
  createdDate: string;
  lastModifiedDate: string;
  adopted: boolean;
}

export type ServiceAccountArgs = ArgsOf<Pick<z.input<typeof ServiceAccountInputsSchema>, "name" | "permissions" | "adoptExisting" | "rotateSecret" | "uniqueSuffix">>;

/**
 * A Talend Cloud service account: OAuth client credentials with account permissions.
 *
 * - `permissions` update in place (and invalidate cached tokens: Talend tokens snapshot permissions).
 * - Changing `rotateSecret` replaces the account and yields a new `clientSecret`.
 * - `clientSecret` is a secret output; Talend shows it only once, at creation.
 */
export class ServiceAccount extends DynamicResource {
  /** The name given in the program. */
  declare readonly name: pulumi.Output<string>;
  /** The name in Talend (`name`, plus a suffix with `uniqueSuffix`). */
  declare readonly accountName: pulumi.Output<string>;
  /** Account permission IDs, sorted, as Talend reports them. */
  declare readonly permissions: pulumi.Output<string[]>;
  /**
   * OAuth client ID; equal to the account id. Taken from the resource id, which stays known while the account
   * is updated in place, so that dependents (grants, runs) are not shown as replaced in preview.
   */
  readonly clientId: pulumi.Output<string>;
  /** OAuth client secret (secret). Empty for an adopted account. */
  declare readonly clientSecret: pulumi.Output<string | undefined>;
  /** When Talend created the account. */
  declare readonly createdDate: pulumi.Output<string>;
  /** Last change of name or permissions (`lastUsedDate` is deliberately not tracked: it is not drift). */
  declare readonly lastModifiedDate: pulumi.Output<string>;
  /** True when an existing account was adopted (then there is no secret). */
  declare readonly adopted: pulumi.Output<boolean>;
  /** The account's create intent: Talend's time, recorded in state before the account is created (see intent.ts). */
  readonly intent: Intent;

  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.CustomResourceOptions) {
    const intent = new Intent("ServiceAccount", name, serviceAccountIntentArgs(name, args), intentOptions("ServiceAccount", opts));
    super("ServiceAccount", name, serviceAccountProps(name, args, intent.recordedAt), { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret"] });
    this.clientId = this.id;
    this.intent = intent;
  }
}

// The account's part of a program, shared by this class and the provider plugin's ServiceAccount component.

/**
 * The account's intent: a new account (first create or rotation) gets a new intent first, recorded before its POST,
 * which knows the account's Talend name so that its delete can remove an account a dead apply created for a
 * declaration since removed (see releaseOrphanAccount).
 */
export function serviceAccountIntentArgs(name: string, args: ServiceAccountArgs): IntentArgs {
  const key = pulumi.all([args.rotateSecret, args.uniqueSuffix]).apply((values) => JSON.stringify(values));
  const ownerName = pulumi.all([args.name, args.uniqueSuffix, suffixOf(name, args)]).apply(([n, uniqueSuffix, suffix]) => accountNameOf({ name: n.trim(), uniqueSuffix: uniqueSuffix === true, suffix }));
  return { key, ownerName };
}

/** The account resource's properties: the args, the derived suffix, the intent's time, and the outputs to fill. */
export function serviceAccountProps(name: string, args: ServiceAccountArgs, intentAt: pulumi.Input<number>): pulumi.Inputs {
  const outputs = { accountName: undefined, clientSecret: undefined, createdDate: undefined, lastModifiedDate: undefined, adopted: undefined };
  return { ...outputs, ...args, suffix: suffixOf(name, args), intentAt };
}

/** The suffix `uniqueSuffix` appends: derived from the stack, the resource and `rotateSecret`, so a retry uses the same. */
function suffixOf(name: string, args: ServiceAccountArgs): pulumi.Output<string> {
  return pulumi.output(args.rotateSecret).apply((r) => createHash("sha256").update(`${pulumi.getProject()}\0${pulumi.getStack()}\0${name}\0${r ?? ""}`).digest("hex").slice(0, 6));
}

/** The name the account carries in Talend. */
export function accountNameOf(inputs: Pick<ServiceAccountInputs, "name" | "uniqueSuffix" | "suffix">): string {
  return inputs.uniqueSuffix && inputs.suffix ? `${inputs.name}-${inputs.suffix}` : inputs.name;
}


/**
 * The account's intent: deleting it removes the account a dead apply created for it, if any (releaseOrphanAccount).
 */
export function serviceAccountIntentProvider(ctx: () => Context): pulumi.dynamic.ResourceProvider<IntentInputs, IntentOutputs> {
  return intentProvider(ctx, (intent) => releaseOrphanAccount(ctx(), intent));
}

/**
 * How long after its intent an account's POST can still have been sent by the create that intent announced: the
 * engine calls the create as soon as the intent is recorded, and the create gives up within minutes. An account of
 * the name created later is someone else's (another declaration's, another stack's), however unused.
 */
export const ORPHAN_WINDOW_MS = 15 * 60_000;

/** The accounts this process created: they are in state (or about to be), never anyone's orphan. */
const createdByThisProcess = new Set<string>();

/**
 * An account's intent is deleted after its account (which depends on it), so if the account was ever recorded in
 * state it is gone by then. An account of the intent's name that still exists, was created after the intent (within
 * ORPHAN_WINDOW_MS), never used, and not by this process, is the one a dead apply created for a declaration since
 * removed from the program: nobody knows its secret, and nothing else would ever remove it.
 */
async function releaseOrphanAccount(c: Context, intent: IntentOutputs): Promise<void> {
  if (intent.ownerName === undefined) return; // state written before the intent knew its owner's name
  const listed = (await c.accountListing()).find((a) => a.name === intent.ownerName);
  if (!listed || createdByThisProcess.has(listed.id)) return;
  // The listing is shared by the whole command: read the candidate afresh before deciding.
  const account = await ignoreNotFound(c.client.serviceAccounts.get(listed.id));
  if (!account || !isOwnOrphan(account, intent.recordedAt) || Date.parse(account.createdDate) > intent.recordedAt + ORPHAN_WINDOW_MS) return;
  await ignoreNotFound(c.client.serviceAccounts.delete(account.id));
}

export function serviceAccountProvider(ctx: () => Context): pulumi.dynamic.ResourceProvider<ServiceAccountInputs, ServiceAccountOutputs> {
  return {
    async check(olds, news) {
      const result = checkInputs(ServiceAccountInputsSchema, undefined, news, "ServiceAccount");
      if (result.failures?.length || !result.inputs) return result;
      const inputs = result.inputs;
      // A suffix in state (0.1.0 chose it at random) survives until the next rotation.
      if (olds?.suffix && olds.rotateSecret === inputs.rotateSecret && !containsUnknown(inputs.rotateSecret)) inputs.suffix = olds.suffix;
      if (!inputs.uniqueSuffix) delete inputs.suffix;
      // Permission IDs are checked against the tenant's catalogue here, so preview catches a typo.
      return nameChecked(ctx, olds, { inputs }, "ServiceAccount");
    },

    async diff(_id, olds, news) {
      const replaces = changedKeys(olds, news, SERVICE_ACCOUNT_REPLACES);
      const expectedName = containsUnknown(news.name) || containsUnknown(news.suffix) ? news.name : accountNameOf(news);
      const renamed = changedKeys({ accountName: olds.accountName }, { accountName: expectedName }, ["accountName"]);
      const changes = [...replaces, ...renamed, ...changedKeys(olds, news, ["name", "permissions", "adoptExisting"])];
      return {
        changes: changes.length > 0,
        replaces,
        // Names are unique: unless the replacement gets a new name, the old account must go first.
        deleteBeforeReplace: !news.uniqueSuffix || !changedKeys(olds, news, ["rotateSecret"]).length,
      };
    },

    async create(inputs) {
      const c = ctx();
      const { client } = c;
      await assertKnownPermissions(c, inputs.permissions);
      const body = { name: accountNameOf(inputs), permissions: inputs.permissions };
      if (inputs.adoptExisting) {
        const existing = await client.serviceAccounts.findByName(body.name);
        if (existing) return adopt(c, inputs, existing);
      }
      // Returns as soon as Talend answers: the one-time secret reaches state within one round trip.
      return createOnce<{ id: string; outs: ServiceAccountOutputs }>({
        what: `ServiceAccount "${body.name}"`,
        clock: c.clock,
        post: async () => {
          const created = await client.serviceAccounts.create(body);
          createdByThisProcess.add(created.id);
          return { id: created.id, outs: outputsOf(inputs, created, created.secret) };
        },
        reconcile: async () => {
          const found = await client.serviceAccounts.findByName(body.name);
          if (!found) return { retry: true };
          if (inputs.adoptExisting) return { adopt: await adopt(c, inputs, found) };
          // Created after our intent and never used: the account of a create whose answer was lost (here, or
          // with an apply that died). Nobody can know its secret, so it goes, and we create it again.
          if (isOwnOrphan(found, inputs.intentAt)) {
            await ignoreNotFound(client.serviceAccounts.delete(found.id));
            return { retry: true };
          }
          return { fail: alreadyExists(body.name) };
        },
      });
    },

    async read(id, props) {
      const account = await ignoreNotFound(ctx().client.serviceAccounts.get(id));
      return account ? { id, props: { ...props!, ...fromApi(account) } } : {};
    },

    async update(id, olds, news) {
      const { client } = ctx();
      await assertKnownPermissions(ctx(), news.permissions);
      const name = accountNameOf(news);
      let account: AccountRecord;
      try {
        account = await client.serviceAccounts.update(id, { name, permissions: news.permissions });
      } catch (e) {
        if (isTalendError(e, 409)) throw new ProviderError("account-rename-taken", { id, from: olds.accountName, to: name }, { cause: e });
        if (isTalendError(e, 404)) throw new ProviderError("account-gone", { id, name: olds.accountName }, { cause: e });
        throw e;
      }
      // Tokens snapshot permissions: none minted before this change may be used again.
      client.markPermissionsChanged(id);
      return { outs: { ...olds, ...withoutIntent(news), ...fromApi(account) } };
    },

    async delete(id) {
      const { client } = ctx();
      await ignoreNotFound(client.serviceAccounts.delete(id));
      client.markPermissionsChanged(id);
    },
  };
}

function isOwnOrphan(account: AccountRecord, intentAt: number | undefined): boolean {
  // intentAt is already a lower bound (a Date header is truncated to the second): no further margin.
  return intentAt !== undefined && !account.lastUsedDate && Date.parse(account.createdDate) >= intentAt;
}

/** The intent's time is bookkeeping for create: it is not an output. */
function withoutIntent(inputs: ServiceAccountInputs): Omit<ServiceAccountInputs, "intentAt"> {
  const { intentAt: _, ...rest } = inputs;
  return rest;
}

function fromApi(account: AccountRecord) {
  return {
    accountName: account.name,
    permissions: normalizeSet(account.permissions),
    createdDate: account.createdDate,
    lastModifiedDate: account.lastModifiedDate,
  };
}

function outputsOf(inputs: ServiceAccountInputs, account: AccountRecord | CreatedServiceAccount, secret: string | undefined): ServiceAccountOutputs {
  return { ...withoutIntent(inputs), ...fromApi(account), clientId: account.id, clientSecret: secret, adopted: secret === undefined };
}

async function adopt(ctx: Context, inputs: ServiceAccountInputs, existing: AccountRecord) {
  let account = existing;
  if (normalizeSet(existing.permissions).join() !== inputs.permissions.join()) {
    account = await ctx.client.serviceAccounts.update(existing.id, { name: existing.name, permissions: inputs.permissions });
    ctx.client.markPermissionsChanged(existing.id);
  }
  return { id: account.id, outs: outputsOf(inputs, account, undefined) };
}

/** Unknown IDs fail before anything is sent, naming the closest IDs of the tenant's live catalogue. */
async function assertKnownPermissions(ctx: Context, permissions: string[]): Promise<void> {
  const catalog = await ctx.permissionCatalog();
  const unknown = permissions.filter((p) => !catalog.ids.includes(p));
  if (!unknown.length) return;
  const listed = unknown.map((p) => `"${p}"`).join(", ");
  const suggestions = unknown.map((p) => `instead of ${p}, did you mean ${closestIds(p, catalog.ids).join(" or ")}?`).join("; ");
  throw new TalendError({ kind: "config", code: "invalid-config", message: `ServiceAccount.permissions: ${listed} not in this tenant's permission catalogue`, hint: `${suggestions} (getPermissionCatalog() lists them all)` });
}

/** The name is held by an account this resource did not create (see isOwnOrphan). */
function alreadyExists(name: string): ProviderError {
  return new ProviderError("account-name-taken", { name });
}
