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
 * The intent is replaced exactly when its owner will be created anew (its `key` changes: triggers for a run,
 * rotateSecret for an account), so each create has an intent no older than itself.
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

export type IntentKind = "ServiceAccountIntent" | "TaskExecutionIntent";

/**
 * Options of an owner that its intent must share: the same parent, and the owner's renames (aliases by name or
 * parent), so that renaming a TaskExecution does not make a new request, which would run the task again.
 */
export function intentOptions(opts: pulumi.CustomResourceOptions | undefined, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const byName = (a: unknown): a is pulumi.Alias => typeof a === "object" && a !== null && !pulumi.Output.isInstance(a) && !(a instanceof Promise) && (a as pulumi.Alias).type === undefined;
  const aliases = (opts?.aliases ?? []).filter(byName);
  return { parent: opts?.parent, protect: opts?.protect, aliases, ...extra };
}

export class Intent extends DynamicResource {
  /** Talend's time (epoch ms) when the intent was recorded. */
  declare readonly at: pulumi.Output<number>;

  constructor(kind: IntentKind, name: string, key: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions) {
    super(shim("Intent"), name, { key, at: undefined }, opts, MODULE, kind);
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
    async read(id, props) {
      return { id, props: props! };
    },
    async delete() {
      // Nothing exists in Talend: the intent lives in state only.
    },
  };
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}
