import { createHash, randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Context } from "./context";
import { noteFreshIntent } from "./fresh-intents";
import { DynamicResource, dynamicTypeToken } from "./shim";
import { changedKeys, checkInputs, containsUnknown } from "./validation";

/**
 * Pulumi state is the provider's only memory, and the engine records a resource only when its create returns. A
 * create that POSTs something Talend cannot deduplicate (an account, a run) therefore needs a record written
 * *before* the POST: this companion resource, created first, holds Talend's time at that moment. If the apply
 * dies after the POST, the next `up` (on any machine, over the same backend) finds the intent in state and
 * recognises what was created after it as its own. See docs/design.md.
 *
 * Each owner has its own intent, and the intent's identity is the owner's: the same name and parent, the type
 * `<OwnerType>Intent`, and the owner's aliases. So whatever a program change keeps the owner's URN (or an alias of
 * it) keeps its intent: accounts reordered, added or removed around it, renamed or moved under a component with an
 * alias. Nothing depends on declaration order or timing, and the provider plugin can make the same pair.
 *
 * An intent is replaced exactly when its owner will be created anew (its `key`: triggers for a run, rotation
 * settings for an account), so every create of the owner has an intent no older than itself.
 */
const IntentInputsSchema = z.object({
  /** What would make the owner be created anew; stored hashed. */
  key: z.string(),
  /** The name the owner has in Talend, where the owner's create cannot be deduplicated by Talend (an account). */
  ownerName: z.string().optional(),
});
export type IntentInputs = z.output<typeof IntentInputsSchema>;

export interface IntentOutputs extends IntentInputs {
  /** Talend's time (epoch ms) when the intent was recorded: a lower bound (Date headers are truncated to the second). */
  recordedAt: number;
}

/** State written before 0.2.0: a run's intent kept its time as `at`; the accounts shared one intent keyed by name. */
interface LegacyIntentState {
  at?: number | Record<string, number>;
  members?: Record<string, string>;
}

/** The owner's create intent: `<ownerType>Intent`, recorded in state before the owner's create is called. */
export class Intent extends DynamicResource {
  /** Talend's time (epoch ms) when the intent was recorded. */
  declare readonly recordedAt: pulumi.Output<number>;

  constructor(ownerType: string, name: string, inputs: IntentArgs, opts?: pulumi.CustomResourceOptions) {
    super(`${ownerType}Intent`, name, intentProps(inputs), opts);
  }
}

export type IntentArgs = { [K in keyof IntentInputs]: pulumi.Input<IntentInputs[K]> };

/** An intent's properties (shared with the provider plugin's components). */
export function intentProps(inputs: IntentArgs): pulumi.Inputs {
  return { ...inputs, recordedAt: undefined };
}

/**
 * The owner's options its intent must share for the pair to keep one identity: the parent, protection, and the
 * aliases (renaming a TaskExecution must not make a new request, which would run the task again; an account moved
 * under a component must still find the time recorded before its POST). An owner left in Talend when it leaves the
 * program (`retainOnDelete`, `deletedWith`) keeps its intent's delete from cleaning up after it. `extra` adds the intent's own options.
 */
export function intentOptions(ownerType: string, opts: pulumi.CustomResourceOptions | undefined, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const aliases = (opts?.aliases ?? []).flatMap((alias) => intentAlias(ownerType, alias));
  return { parent: opts?.parent, protect: opts?.protect, retainOnDelete: opts?.retainOnDelete, deletedWith: opts?.deletedWith, aliases, ...extra };
}

/**
 * An owner's alias as its intent's: an alias by name/parent/stack/project applies as is (the type stays the intent's
 * own); a URN string gets the intent's type in place of the owner's. An alias that changes the type names another
 * kind of owner, whose intent (if any) the program cannot know: dropped.
 */
function intentAlias(ownerType: string, alias: pulumi.Input<pulumi.URN | pulumi.Alias>): Array<pulumi.Input<pulumi.URN | pulumi.Alias>> {
  if (typeof alias === "string") {
    const owner = `${dynamicTypeToken(ownerType)}::`;
    const at = alias.lastIndexOf(owner);
    return at < 0 || alias.indexOf("::", at + owner.length) >= 0 ? [] : [`${alias.slice(0, at)}${dynamicTypeToken(`${ownerType}Intent`)}::${alias.slice(at + owner.length)}`];
  }
  if (pulumi.Output.isInstance(alias) || alias instanceof Promise) return [];
  return (alias as pulumi.Alias).type === undefined ? [alias] : [];
}

/**
 * One provider for every intent kind: the owner's type names the resource, and `release` is what the intent's delete
 * does in Talend. An intent is deleted when its owner leaves the program (after the owner, which depends on it) or
 * is created anew; an owner whose create was cut off by a dead apply left no record but the intent, so `release`
 * is the one place that can remove what that create made.
 */
export function intentProvider(ctx: () => Context, release: (intent: IntentOutputs) => Promise<void> = async () => {}): pulumi.dynamic.ResourceProvider<IntentInputs, IntentOutputs> {
  const record = async (inputs: IntentInputs) => {
    const id = randomUUID();
    noteFreshIntent(id);
    return { id, outs: { ...inputs, recordedAt: await ctx().client.serverTime() } };
  };
  return {
    async check(_olds, news) {
      const checked = checkInputs(IntentInputsSchema, undefined, news, "intent");
      const key = checked.inputs?.key;
      return key === undefined || containsUnknown(key) ? checked : { inputs: { ...checked.inputs!, key: digest(key) } };
    },
    async diff(_id, olds, news) {
      const legacy = olds as Partial<IntentOutputs> & LegacyIntentState;
      // The accounts' shared intent of 0.1.x becomes the intent of the account it was named after: no key to compare.
      if (legacy.members !== undefined) return { changes: true, replaces: [] };
      const replaces = changedKeys(olds, news, ["key"]);
      // A new owner name (an account renamed in place) is updated in place: the time stays the owner's create's.
      return { changes: replaces.length > 0 || legacy.recordedAt === undefined || changedKeys(olds, news, ["ownerName"]).length > 0, replaces };
    },
    async create(inputs) {
      return record(inputs);
    },
    async update(_id, olds, news) {
      // The time is the owner's create's and stays. State written before 0.2.0 keeps its time under today's name (a
      // shared intent's earliest member time: a lower bound for every member, so the account it now serves is still
      // recognised).
      const legacy = olds as Partial<IntentOutputs> & LegacyIntentState;
      const at = typeof legacy.at === "number" ? legacy.at : Math.min(...Object.values(legacy.at ?? {}));
      const recordedAt = legacy.recordedAt ?? (Number.isFinite(at) ? at : await ctx().client.serverTime());
      return { outs: { ...news, recordedAt } };
    },
    // An intent exists in state only: refresh keeps it as it is.
    async read(id, props) {
      return { id, props: props! };
    },
    async delete(_id, props) {
      if (props.recordedAt !== undefined) await release(props);
    },
  };
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}
