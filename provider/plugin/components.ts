import * as pulumi from "@pulumi/pulumi";
import type { PermissionCatalog } from "../../sdk";
import { type IntentArgs, intentProps } from "../intent";
import { userError } from "../program-context";
import { serviceAccountIntentArgs, serviceAccountProps } from "../service-account";
import { type TaskRunnerArgs, declareTaskRunner, tasksAndPlansEditOf } from "../task-runner";
import { taskExecutionProps, taskExecutionRequestKey } from "../task-execution";
import { workspacePermissionProps } from "../workspace-permission";

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
 * The process serving a component: the reference of its provider resource (from Configure, when the engine names it)
 * and the plugin's version.
 */
export interface Server {
  self?: string;
  version: string;
}

/**
 * The provider option of a component's children: the provider serving the component. The component's request names
 * no provider when it has the default one, and a child left to the default would get the default provider of the
 * plugin's version: another provider resource (another plugin process) when the program asked for no version, as
 * YAML does. Without `self` (an engine that does not name it), the children ask for the plugin's version.
 */
function childProvider(server: Server): pulumi.CustomResourceOptions {
  return server.self ? { provider: new pulumi.DependencyProviderResource(server.self) } : { version: server.version };
}

/**
 * Constructs a component: the component resource with the engine's options (its parent, aliases, providers), then
 * its intent and owner under it, served by the component's provider; the component's outputs are the owner's.
 */
export function construct(type: string, name: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions, outputNames: string[], server: Server): pulumi.provider.ConstructResult {
  const spec = COMPONENTS[type];
  if (!spec) throw new Error(`pulumi-talend: unknown component type "${type}"`);
  const component = new Component(tok(type), name, {}, options);
  // The owner and its intent depend on what the component depends on (a run on its grant), and use its provider.
  const owner = spec.construct(name, inputs, component, { dependsOn: options.dependsOn, ...childProvider(server) }) as pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
  const state = Object.fromEntries(outputNames.map((k) => [k, k === "clientId" || k === "executionId" ? owner.id : owner[k]]));
  component.publish(state);
  return { urn: component.urn, state };
}

/**
 * The plugin's TaskRunner: the TypeScript class's body (task-runner.ts) over the plugin's resources — the account and
 * the run as the pairs above (intent + owner), the grants as WorkspacePermission — all under the runner and named as
 * in TypeScript, so a runner declared in any language has the same resources and the same crash safety.
 */
export async function constructTaskRunner(name: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions, server: Server, catalog: Promise<PermissionCatalog>): Promise<pulumi.provider.ConstructResult> {
  const args = taskRunnerArgs(inputs);
  // Read before anything is declared: a catalogue that cannot tell fails the construct with one error.
  const tasksAndPlansEdit = tasksAndPlansEditOf(await catalog, name, userError);
  const component = new Component(tok("TaskRunner"), name, {}, options);
  const owner = (type: keyof typeof COMPONENTS, n: string, a: pulumi.Inputs, o: pulumi.CustomResourceOptions) => COMPONENTS[type]!.construct(n, a, component, o) as pulumi.CustomResource & Record<string, pulumi.Output<never>>;
  const runner = declareTaskRunner(name, args, { parent: component, dependsOn: options.dependsOn, ...childProvider(server) }, {
    tasksAndPlansEdit,
    account: (n, a, o) => {
      const account = owner("ServiceAccount", n, a, o);
      return { clientId: account.id, clientSecret: account.clientSecret };
    },
    grant: (n, a, o) => new Owned(tok("WorkspacePermission"), n, workspacePermissionProps(a), o),
    run: (n, a, o) => {
      const run = owner("TaskExecution", n, a, o);
      return { executionId: run.id, status: run.status };
    },
  });
  component.publish(runner.outputs);
  return { urn: component.urn, state: runner.outputs };
}

/** The engine's inputs as the runner's args: which resources it declares must be known when the program runs. */
function taskRunnerArgs(inputs: pulumi.Inputs): TaskRunnerArgs {
  const { workspaces, run } = inputs;
  if (!Array.isArray(workspaces)) throw new pulumi.InputPropertyError({ propertyPath: "workspaces", reason: "TaskRunner.workspaces must be a list written in the program (its items may hold other resources' outputs)" });
  if (run !== undefined && (pulumi.Output.isInstance(run) || typeof run !== "object")) throw new pulumi.InputPropertyError({ propertyPath: "run", reason: "TaskRunner.run must be an object written in the program (its fields may hold other resources' outputs or secrets)" });
  return inputs as TaskRunnerArgs;
}
