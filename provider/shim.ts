import * as pulumi from "@pulumi/pulumi";

/**
 * What the engine stores as `__provider` in the inputs and the outputs of every resource of `kind`: the text of a
 * module whose `handler()` returns the provider, as pulumi.dynamic.Resource would store a serialized closure. The
 * dynamic-provider host loads each distinct text once per process (`require-from-string`, then `handler()`).
 *
 * It is written by hand rather than by Pulumi's closure serializer, because that serializer wraps each of the
 * seven provider methods in ~170 B of scaffolding (a `with` block, two `apply`s) and costs tens of milliseconds
 * per call: 1.9–2.2 KB per copy, two copies per resource, against ~80 B here. The text holds no implementation and
 * no credential: `refresh`/`destroy` after an upgrade run the installed code (see dynamic.ts), and credentials are
 * read in `configure`. It is a constant per kind, so adding a kind adds nothing per resource.
 */
export function shim(kind: string): string {
  let text = texts.get(kind);
  if (text === undefined) texts.set(kind, (text = `exports.handler=()=>require("pulumi-talend/dynamic").provider(${JSON.stringify(kind)})`));
  return text;
}
const texts = new Map<string, string>();

/**
 * A pulumi.dynamic.Resource whose `__provider` is the shim text of its kind. pulumi.dynamic.Resource sets
 * `props.__provider` to the closure serialization of the provider object it is given; here that object is an
 * empty stub, serialized once per program (Pulumi caches it per object) and dropped: the props carry an
 * accessor that ignores the assignment and hands the engine the shim text instead. Same type token
 * (`pulumi-nodejs:dynamic/<module>:<type>`), same host, same contract — ~80 B per copy instead of ~2 KB.
 */
export abstract class DynamicResource extends pulumi.dynamic.Resource {
  constructor(provider: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, module: string, type: string) {
    if ("__provider" in props) throw new Error("A dynamic resource must not define the __provider key");
    super(STUB, name, withProviderText(props, provider), opts, module, type);
  }
}

/** Never called: the engine's host loads the shim text, which requires the real provider by name. */
const STUB: pulumi.dynamic.ResourceProvider = Object.freeze({}) as pulumi.dynamic.ResourceProvider;

function withProviderText(props: pulumi.Inputs, text: string): pulumi.Inputs {
  let assigned = false;
  return Object.defineProperty({ ...props }, "__provider", {
    enumerable: true,
    // Undefined until pulumi.dynamic.Resource has assigned its serialization (it checks the key is free first).
    get: () => (assigned ? text : undefined),
    set: () => {
      assigned = true;
    },
  });
}
