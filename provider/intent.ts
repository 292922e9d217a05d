import { createHash, randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { noteFreshIntent } from "./fresh-intents";
import type { Context } from "./settings";
import { DynamicResource, shim } from "./shim";
import { MODULE } from "./types";
import { changedKeys, checkInputs, containsUnknown } from "./validation";

/**
 * Pulumi state is the provider's only memory, and the engine records a resource only when its create
 * returns. A create that POSTs something Talend cannot deduplicate (an account, a run) therefore needs a
 * record written *before* the POST: this companion resource, created first, holds Talend's time at that
 * moment. If the apply dies after the POST, the next `up` (on any machine, over the same backend) finds the
 * intent in state and recognises what was created after it as its own. See docs/design.md.
 *
 * A run's intent is replaced exactly when the run will be created anew (its `key`, the triggers, changes), so
 * each create has an intent no older than itself. Accounts share one per batch, with a time each (below).
 */
const IntentInputsSchema = z.object({
  /** What the owner will create; stored hashed. */
  key: z.string(),
});
export type IntentInputs = z.output<typeof IntentInputsSchema>;

export interface IntentOutputs extends IntentInputs {
  /** Talend's time (epoch ms) when the intent was recorded; a lower bound. */
  at: number;
}

/**
 * Options of an owner that its intent must share: the same parent, and the owner's renames (aliases by name or
 * parent), so that renaming a TaskExecution does not make a new request, which would run the task again.
 */
export function intentOptions(opts: pulumi.CustomResourceOptions | undefined, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const byName = (a: unknown): a is pulumi.Alias => typeof a === "object" && a !== null && !pulumi.Output.isInstance(a) && !(a instanceof Promise) && (a as pulumi.Alias).type === undefined;
  const aliases = (opts?.aliases ?? []).filter(byName);
  return { parent: opts?.parent, protect: opts?.protect, aliases, ...extra };
}

/**
 * Talend's time recorded before the POST of this account (see the top of this file), as the account's `intentAt`.
 *
 * The accounts a program declares in one pass (in the same synchronous run of code, as a loop or a list of
 * declarations does) share one intent, named after the first of them: an intent per account made up a quarter of
 * a large stack's resources, each with its own registration, check, diff and checkpoint. The shared intent keeps
 * a time per member, as separate intents would: a member seen for the first time, or rotated, gets a new time
 * (the intent is updated in place, before any member's create); the others keep theirs. So an account whose POST
 * a dead apply sent is still recognised by the next one even if the program gained or lost accounts in between.
 * Accounts declared later (inside an `apply` or a callback) start a new batch.
 */
export function accountIntentAt(name: string, rotation: pulumi.Output<string>, opts: pulumi.CustomResourceOptions | undefined): pulumi.Output<number> {
  if (!openBatch) {
    const members: Array<pulumi.Output<[string, string]>> = [];
    // Sealed when the code that declared the first member returns: membership must not depend on timing (an
    // HTTP answer arriving sooner or later), or preview and up could disagree about the intent.
    const sealed = new Promise<pulumi.Output<Record<string, string>>>((resolve) =>
      queueMicrotask(() => {
        openBatch = undefined;
        resolve(pulumi.all(members).apply((entries) => Object.fromEntries(entries)));
      }),
    );
    // Not protected even when its first member is: it changes whenever the batch does.
    const intent = new AccountsIntent(name, pulumi.output(sealed), intentOptions(opts, { protect: undefined }));
    openBatch = { members, at: intent.at };
  }
  openBatch.members.push(rotation.apply((r): [string, string] => [name, r]));
  return openBatch.at.apply((at) => at?.[name]) as pulumi.Output<number>;
}
let openBatch: { members: Array<pulumi.Output<[string, string]>>; at: pulumi.Output<Record<string, number>> } | undefined;

const AccountsIntentInputsSchema = z.object({
  /** Each member account (its resource name) and what would create it anew (rotation settings); stored hashed. */
  members: z.record(z.string(), z.string()),
});
export type AccountsIntentInputs = z.output<typeof AccountsIntentInputsSchema>;

export interface AccountsIntentOutputs extends AccountsIntentInputs {
  /** Per member: Talend's time (epoch ms) when its intent was recorded; a lower bound. */
  at: Record<string, number>;
}

/** The intent shared by the accounts declared in one pass: `ServiceAccountIntent`, named after the first. */
export class AccountsIntent extends DynamicResource {
  declare readonly at: pulumi.Output<Record<string, number>>;

  constructor(name: string, members: pulumi.Input<Record<string, string>>, opts?: pulumi.CustomResourceOptions) {
    super(shim("AccountsIntent"), name, { members, at: undefined }, opts, MODULE, "ServiceAccountIntent");
  }
}

export function accountsIntentProvider(ctx: () => Context): pulumi.dynamic.ResourceProvider<AccountsIntentInputs, AccountsIntentOutputs> {
  /** Members new or rotated since `olds` get Talend's time now; the others keep theirs. */
  const stamp = async (news: AccountsIntentInputs, olds?: Partial<AccountsIntentOutputs>): Promise<AccountsIntentOutputs> => {
    let now: number | undefined;
    const at: Record<string, number> = {};
    for (const [name, digest] of Object.entries(news.members)) {
      const kept = olds?.members?.[name] === digest ? olds.at?.[name] : undefined;
      at[name] = typeof kept === "number" ? kept : (now ??= await ctx().client.serverTime());
    }
    return { members: news.members, at };
  };
  return {
    async check(_olds, news) {
      const checked = checkInputs(AccountsIntentInputsSchema, undefined, news, "intent");
      const members = checked.inputs?.members;
      if (!members || containsUnknown(members)) return checked;
      return { inputs: { members: Object.fromEntries(Object.entries(members).map(([name, rotation]) => [name, digest(rotation)])) } };
    },
    async diff(_id, olds, news) {
      return { changes: changedKeys(olds, news, ["members"]).length > 0, replaces: [] };
    },
    async create(inputs) {
      return { id: randomUUID(), outs: await stamp(inputs) };
    },
    async update(_id, olds, news) {
      return { outs: await stamp(news, olds) };
    },
    ...stateOnly<AccountsIntentOutputs>(),
  };
}

/** A run's request: `TaskExecutionIntent`, replaced with each new run (accounts share `AccountsIntent`). */
export class Intent extends DynamicResource {
  /** Talend's time (epoch ms) when the intent was recorded. */
  declare readonly at: pulumi.Output<number>;

  constructor(name: string, key: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions) {
    super(shim("Intent"), name, { key, at: undefined }, opts, MODULE, "TaskExecutionIntent");
  }
}

export function intentProvider(ctx: () => Context): pulumi.dynamic.ResourceProvider<IntentInputs, IntentOutputs> {
  return {
    async check(_olds, news) {
      const checked = checkInputs(IntentInputsSchema, undefined, news, "intent");
      const key = checked.inputs?.key;
      return key === undefined || containsUnknown(key) ? checked : { inputs: { key: digest(key) } };
    },
    async diff(_id, olds, news) {
      const replaces = changedKeys(olds, news, ["key"]);
      return { changes: replaces.length > 0, replaces };
    },
    async create(inputs) {
      return { id: randomUUID(), outs: { key: inputs.key, at: noteFreshIntent(await ctx().client.serverTime()) } };
    },
    ...stateOnly<IntentOutputs>(),
  };
}

/** An intent exists in state only: refresh keeps it as it is, delete has nothing to remove in Talend. */
function stateOnly<O>(): Pick<pulumi.dynamic.ResourceProvider<never, O>, "read" | "delete"> {
  return {
    async read(id, props) {
      return { id, props: props! };
    },
    async delete() {},
  };
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}
