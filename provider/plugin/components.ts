import * as pulumi from "@pulumi/pulumi";
import { type IntentArgs, intentProps } from "../intent";
import { serviceAccountIntentArgs, serviceAccountProps } from "../service-account";
import { taskExecutionProps, taskExecutionRequestKey } from "../task-execution";

/**
 * The plugin's ServiceAccount and TaskExecution: multi-language components (`construct`) that register the same pair
 * as the TypeScript classes — the owner's intent (`<Owner>Intent`), recorded in state before the owner's create, and
 * the owner itself as a custom resource (`<Owner>Resource`), both named like the component and under it. So the
 * intent's identity is the owner's URN, as in the TypeScript path (docs/design.md, "Crash safety in the provider
 * plugin"), and the owner's create reconciles from Talend's records with the intent's time.
 */
export const COMPONENTS: Record<string, { owner: string; construct: (name: string, args: pulumi.Inputs, parent: pulumi.ComponentResource, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource }> = {
  ServiceAccount: {
    owner: "ServiceAccountResource",
    construct(name, args, parent, opts) {
      const intent = intentOf("ServiceAccount", name, serviceAccountIntentArgs(name, args as never), { ...opts, parent });
      return new Owned(tok("ServiceAccountResource"), name, serviceAccountProps(name, args as never, intent.recordedAt), { ...opts, parent, additionalSecretOutputs: ["clientSecret"] });
    },
  },
  TaskExecution: {
    owner: "TaskExecutionResource",
    construct(name, args, parent, opts) {
      const request = intentOf("TaskExecution", name, { key: taskExecutionRequestKey(args) }, { ...opts, parent });
      return new Owned(tok("TaskExecutionResource"), name, taskExecutionProps(args, request), { ...opts, parent, additionalSecretOutputs: ["clientSecret"] });
    },
  },
};

type Intent = pulumi.CustomResource & { recordedAt: pulumi.Output<number> };

function intentOf(owner: string, name: string, args: IntentArgs, opts: pulumi.CustomResourceOptions): Intent {
  return new Owned(tok(`${owner}Intent`), name, intentProps(args), opts) as Intent;
}

const tok = (type: string) => `talend:index:${type}`;

/** A custom resource of this package, registered from inside a component. */
class Owned extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** The component resource itself; its outputs are its owner's. */
class Component extends pulumi.ComponentResource {
  publish(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

/**
 * Constructs a component: the component resource with the engine's options (its parent, aliases, providers), then
 * its intent and owner under it, which inherit its provider; the component's outputs are the owner's.
 */
export function construct(type: string, name: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions, outputNames: string[], version: string): pulumi.provider.ConstructResult {
  const spec = COMPONENTS[type];
  if (!spec) throw new Error(`pulumi-talend: unknown component type "${type}"`);
  const component = new Component(tok(type), name, {}, options);
  // The owner and its intent depend on what the component depends on (a run on its grant), and use its version.
  const owner = spec.construct(name, inputs, component, { dependsOn: options.dependsOn, version }) as pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
  const state = Object.fromEntries(outputNames.map((k) => [k, k === "clientId" || k === "executionId" ? owner.id : owner[k]]));
  component.publish(state);
  return { urn: component.urn, state };
}
