// Loaded by name ("pulumi-talend/dynamic") inside the dynamic-provider process by the shim text each resource
// carries (see shim.ts). It owns the process-wide provider configuration and maps resource types to handlers.
import type * as pulumi from "@pulumi/pulumi";
import { withPulumiFix } from "./error-fixes";
import { intentProvider } from "./intent";
import { serviceAccountProvider } from "./service-account";
import { Context } from "./context";
import { readSettings } from "./settings";
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
  ServiceAccountIntent: untyped(intentProvider),
  TaskExecutionIntent: untyped(intentProvider),
};

/**
 * Names that shim texts in state written before 0.2.0 use: `read` and `delete` run the text state holds, so these
 * must keep working for as long as such state may exist.
 */
const FORMER_NAMES: Record<string, string> = { Intent: "TaskExecutionIntent", AccountsIntent: "ServiceAccountIntent" };

const handlers = new Map<string, Handler>();
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
export function handler(type: string): Handler {
  const name = FORMER_NAMES[type] ?? type;
  let h = handlers.get(name);
  if (!h) {
    const make = HANDLER_FACTORIES[name];
    if (!make) throw new Error(`pulumi-talend: unknown resource type "${type}"; the installed pulumi-talend is older than the one that created this resource`);
    handlers.set(name, (h = withWireSafeOutputs(make(currentContext))));
  }
  return h;
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

function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compact(v)])) as T;
}

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
