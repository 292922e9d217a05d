import { sep } from "node:path";
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
    const restore = lightStacks();
    try {
      super(STUB, name, withProviderText(props, provider), opts, module, type);
    } catch (e) {
      // A mistake the SDK rejects on the spot (an invalid parent, say): give it back the stack it would have had.
      restore();
      if (e instanceof Error) Error.captureStackTrace(e);
      throw e;
    } finally {
      restore();
    }
  }
}

/** The resource classes' compiled code: its frames say nothing about where the user declared a resource. */
const OWN_CODE = __dirname + sep;

/**
 * Makes the stack captures of a resource's construction cheap and its recorded stack the user's own.
 *
 * While a resource is constructed, @pulumi/pulumi captures `new Error().stack` four times per property (debug
 * context for its promise-leak report, printed only with PULUMI_DEBUG_PROMISE_LEAKS) and once at unlimited depth
 * for the resource's source position and stack trace, which the engine stores in state. In a program run by
 * `pulumi`, every capture is source-mapped (cmd/run installs source-map-support): ~2 ms per resource, most of a
 * large preview's time in the program. Here the debug captures get no frames (unless that variable is set), and
 * the recorded stack drops this package's frames and the program runner's (node internals, node_modules), so
 * the source position is the user's `new ...` line, not pulumi-talend's constructor, and state keeps ~2 frames
 * instead of ~14. The SDK's own leading frames are kept: it skips a fixed number of them.
 */
function lightStacks(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 0;
  Error.prepareStackTrace = (error, frames) => {
    const kept = usersFrames(frames);
    return prepare ? prepare(error, kept) : [String(error), ...kept.map((f) => `    at ${f}`)].join("\n");
  };
  return () => {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
  };
}

/** The SDK's frames up to this package's, then the frames of the user's code. */
function usersFrames(frames: NodeJS.CallSite[]): NodeJS.CallSite[] {
  const file = (f: NodeJS.CallSite) => f.getFileName() ?? "";
  const firstOwn = frames.findIndex((f) => file(f).startsWith(OWN_CODE));
  if (firstOwn < 0) return frames;
  const usersCode = (f: NodeJS.CallSite) => {
    const name = file(f);
    return name !== "" && !name.startsWith(OWN_CODE) && !name.startsWith("node:") && !name.includes(`${sep}node_modules${sep}`) && !name.includes("/node_modules/");
  };
  return [...frames.slice(0, firstOwn), ...frames.slice(firstOwn).filter(usersCode)];
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
