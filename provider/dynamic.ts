// Loaded by name ("pulumi-talend/dynamic") inside the dynamic-provider process by the serialized shim
// (see shim.ts). It owns the process-wide provider configuration and maps resource kinds to handlers.
import type * as pulumi from "@pulumi/pulumi";
import { Context, readSettings } from "./settings";
import { serviceAccountHandler } from "./service-account-handler";
import { taskExecutionHandler } from "./task-execution-handler";
import { workspacePermissionHandler } from "./workspace-permission-handler";

export interface Handler {
  check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: any, news: any): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: any): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: any): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: any): Promise<void>;
}

const handlers: Record<string, (ctx: () => Context) => Handler> = {
  ServiceAccount: serviceAccountHandler,
  WorkspacePermission: workspacePermissionHandler,
  TaskExecution: taskExecutionHandler,
};

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

export function handler(kind: string): Handler {
  const make = handlers[kind];
  if (!make) throw new Error(`pulumi-talend: unknown resource kind "${kind}"; the installed pulumi-talend is older than the one that created this resource`);
  return withWireSafeOutputs(make(currentContext));
}

/**
 * The engine's protobuf Struct rejects `undefined`; handlers may leave optional outputs undefined. One place
 * drops them, for results and for the properties of a half-done create.
 */
function withWireSafeOutputs(h: Handler): Handler {
  const keepState = (e: unknown) => {
    const err = e as { properties?: Record<string, unknown> };
    if (err && typeof err === "object" && err.properties) err.properties = compact(err.properties);
    return Promise.reject(e);
  };
  return {
    ...h,
    create: (inputs) => h.create(inputs).then((r) => ({ ...r, outs: compact(r.outs) }), keepState),
    read: (id, props) => h.read(id, props).then((r) => (r.props ? { ...r, props: compact(r.props) } : r)),
    update: (id, olds, news) => h.update(id, olds, news).then((r) => ({ ...r, outs: compact(r.outs) }), keepState),
  };
}

function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compact(v)])) as T;
}

const providers = new Map<string, pulumi.dynamic.ResourceProvider>();
let configured: Promise<void> | undefined;

/**
 * The provider of one kind, as the shim text of that kind (shim.ts) hands it to the engine's dynamic-provider
 * host. The host configures each distinct shim text once; the first of those configures the process (Configure
 * reaches one process once), so that a second kind does not throw away the first one's context (its cached tokens
 * and catalogue).
 */
export function provider(kind: string): pulumi.dynamic.ResourceProvider {
  let p = providers.get(kind);
  if (!p) {
    p = {
      configure: (req) => (configured ??= configure(req)),
      check: (olds, news) => handler(kind).check(olds, news),
      diff: (id, olds, news) => handler(kind).diff(id, olds, news),
      create: (inputs) => handler(kind).create(inputs),
      read: (id, props) => handler(kind).read(id, props),
      update: (id, olds, news) => handler(kind).update(id, olds, news),
      delete: (id, props) => handler(kind).delete(id, props),
    };
    providers.set(kind, p);
  }
  return p;
}
