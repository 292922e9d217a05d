// The one registry of handlers: every resource type's handler, served by two hosts — the engine's dynamic-provider
// host for TypeScript programs (dynamic.ts) and the provider plugin for every other language (plugin/).
import type * as pulumi from "@pulumi/pulumi";
import { withPulumiFix } from "./error-fixes";
import { intentProvider } from "./intent";
import { serviceAccountIntentProvider, serviceAccountProvider } from "./service-account";
import type { Context } from "./context";
import { taskExecutionProvider } from "./task-execution";
import { workspacePermissionProvider } from "./workspace-permission";

/** A resource type's handler, as the engine drives it (every method present). */
export type Handler = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

/** Each type's handler is typed by its own inputs and outputs; the engine hands them over untyped. */
const untyped = <I, O>(make: (ctx: () => Context) => pulumi.dynamic.ResourceProvider<I, O>) => make as unknown as (ctx: () => Context) => Handler;

/** Every resource type and how its handler is made. */
const HANDLER_FACTORIES: Record<string, (ctx: () => Context) => Handler> = {
  ServiceAccount: untyped(serviceAccountProvider),
  WorkspacePermission: untyped(workspacePermissionProvider),
  TaskExecution: untyped((ctx) => taskExecutionProvider(ctx)),
  ServiceAccountIntent: untyped(serviceAccountIntentProvider),
  TaskExecutionIntent: untyped(intentProvider),
};

/** The resource types the registry serves. */
export const RESOURCE_TYPES = Object.keys(HANDLER_FACTORIES);

/**
 * Names that shim texts in state written before 0.2.0 use: `read` and `delete` run the text state holds, so these
 * must keep working for as long as such state may exist.
 */
const FORMER_NAMES: Record<string, string> = { Intent: "TaskExecutionIntent", AccountsIntent: "ServiceAccountIntent" };

/**
 * The handlers of one provider configuration: `handlerOf(type)` makes each type's wire-safe handler once; handlers
 * read the context lazily, at each call, so that a configuration error surfaces as the failing resource's error.
 */
export function handlerRegistry(context: () => Context): (type: string) => Handler {
  const handlers = new Map<string, Handler>();
  return (type) => {
    const name = FORMER_NAMES[type] ?? type;
    let h = handlers.get(name);
    if (!h) {
      const make = HANDLER_FACTORIES[name];
      if (!make) throw new Error(`pulumi-talend: unknown resource type "${type}"; the installed pulumi-talend is older than the one that created this resource`);
      handlers.set(name, (h = withWireSafeOutputs(make(context))));
    }
    return h;
  };
}

/**
 * What every handler needs at the wire: the engine's protobuf Struct rejects `undefined` (handlers may leave
 * optional outputs undefined), for results and for the properties of a half-done create; and a Talend failure
 * reaches the user with its fix in Pulumi terms (provider/error-fixes.ts).
 */
function withWireSafeOutputs(h: Handler): Handler {
  const fail = (e: unknown) => {
    const err = e as { properties?: Record<string, unknown> };
    if (err && typeof err === "object" && err.properties) err.properties = compact(err.properties);
    return Promise.reject(withPulumiFix(e));
  };
  return {
    check: (olds, news) => h.check(olds, news).catch(fail),
    diff: (id, olds, news) => h.diff(id, olds, news).catch(fail),
    create: (inputs) => h.create(inputs).then((r) => ({ ...r, outs: compact(r.outs) }), fail),
    read: (id, props) => h.read(id, props).then((r) => (r.props ? { ...r, props: compact(r.props) } : r), fail),
    update: (id, olds, news) => h.update(id, olds, news).then((r) => ({ ...r, outs: compact(r.outs) }), fail),
    delete: (id, props) => h.delete(id, props).catch(fail),
  };
}

/** The value without `undefined` members, deeply. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compact(v)])) as T;
}
