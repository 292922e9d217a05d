import { sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MODULE } from "./types";

/**
 * The dynamic-provider host's contract (`@pulumi/pulumi/cmd/dynamic-provider`): a resource of type
 * `pulumi-nodejs:dynamic/<module>:<Type>` carries an input `__provider` holding the text of a module whose
 * `handler()` returns the provider; the host loads each distinct text once per process and calls it. Its
 * `check`/`diff`/`create`/`update` run the text of the new inputs, `read`/`delete` the text state holds.
 *
 * Ours is written by hand, one constant per type: it holds no implementation and no credential, only a `require`
 * of this package by name, so `refresh`/`destroy` after an upgrade run the installed code (see dynamic.ts) and
 * credentials are read in `configure`. ~80 B per copy, against ~2 KB for Pulumi's closure serializer.
 */
export function shimText(type: string): string {
  let text = texts.get(type);
  if (text === undefined) texts.set(type, (text = `exports.handler=()=>require("pulumi-talend/dynamic").provider(${JSON.stringify(type)})`));
  return text;
}
const texts = new Map<string, string>();

/** The type token the dynamic-provider host serves: `pulumi-nodejs:dynamic/talend:<Type>`. */
export const dynamicTypeToken = (type: string): string => `pulumi-nodejs:dynamic/${MODULE}:${type}`;

/**
 * A resource served by the engine's dynamic-provider host. It meets the host's contract directly (the type token
 * and a plain `__provider` input, shimText) rather than through pulumi.dynamic.Resource, which would serialize a
 * provider object first: nothing of @pulumi/pulumi's internals is involved in what reaches state.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined) {
    const restore = lightStacks();
    try {
      super(dynamicTypeToken(type), name, { ...props, __provider: shimText(type) }, opts);
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
 * Makes the stack captures of a resource's construction cheap and its recorded stack the user's own, for the
 * duration of our constructor's synchronous `super()` call only (restored in `finally`; nothing else runs then).
 *
 * While a resource is constructed, @pulumi/pulumi captures `new Error().stack` four times per property (debug
 * context for its promise-leak report, printed only with PULUMI_DEBUG_PROMISE_LEAKS) and once at unlimited depth
 * for the resource's source position and stack trace, which the engine stores in state. In a program run by
 * `pulumi`, every capture is source-mapped: ~2 ms per resource, most of a large preview's time in the program.
 * Here the debug captures get no frames (unless that variable is set), and the recorded stack drops this package's
 * frames and the program runner's (node internals, node_modules), so the source position is the user's `new ...`
 * line, not pulumi-talend's constructor. The SDK's own leading frames are kept: it skips a fixed number of them.
 * This leans on two behaviours of @pulumi/pulumi, not on its API (docs/design.md, "What we rely on"); the compat
 * suite checks the recorded source position on both ends of the peer range.
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

/**
 * The SDK's frames and our first one (DynamicResource's, in the place of the "cloud resource" class the SDK skips
 * along with its own frames: Resource.stackTrace(4)), then the frames of the user's code.
 */
function usersFrames(frames: NodeJS.CallSite[]): NodeJS.CallSite[] {
  const file = (f: NodeJS.CallSite) => f.getFileName() ?? "";
  const firstOwn = frames.findIndex((f) => file(f).startsWith(OWN_CODE));
  if (firstOwn < 0) return frames;
  const usersCode = (f: NodeJS.CallSite) => {
    const name = file(f);
    return name !== "" && !name.startsWith(OWN_CODE) && !name.startsWith("node:") && !name.includes(`${sep}node_modules${sep}`) && !name.includes("/node_modules/");
  };
  return [...frames.slice(0, firstOwn + 1), ...frames.slice(firstOwn + 1).filter(usersCode)];
}
