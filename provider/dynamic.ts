// Loaded by name ("pulumi-talend/dynamic") inside the dynamic-provider process by the shim text each resource
// carries (see shim.ts). It owns the process-wide provider configuration; the handlers come from registry.ts.
import type * as pulumi from "@pulumi/pulumi";
import { Context } from "./context";
import { type Handler, handlerRegistry } from "./registry";
import { readSettings } from "./settings";

export type { Handler } from "./registry";

let rawConfig: ((key: string) => string | undefined) | undefined;
let context: Context | undefined;

/** Called by the engine once per process with the stack's configuration (secrets decrypted). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  rawConfig = (key) => {
    const v = req.config.get(key);
    return typeof v === "string" ? v : v === undefined ? undefined : String(v);
  };
  context = undefined;
}

/** Settings are read lazily so that a configuration error surfaces as the failing resource's error. */
function currentContext(): Context {
  context ??= new Context(readSettings(rawConfig ?? (() => undefined)));
  return context;
}

/** The wire-safe handler of a resource type, made once per process (it reads the context lazily, at each call). */
export const handler: (type: string) => Handler = handlerRegistry(currentContext);

const hostProviders = new Map<string, pulumi.dynamic.ResourceProvider>();
let configured: Promise<void> | undefined;

/**
 * The provider of one type, as its shim text hands it to the engine's dynamic-provider host. The host configures
 * each distinct shim text once; the first of those configures the process (Configure reaches one process once), so
 * that a second type does not throw away the first one's context (its cached tokens and catalogue).
 */
export function provider(type: string): pulumi.dynamic.ResourceProvider {
  let p = hostProviders.get(type);
  if (!p) hostProviders.set(type, (p = { ...handler(type), configure: (req) => (configured ??= configure(req)) }));
  return p;
}
