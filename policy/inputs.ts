// What the rules read of a resource: its kind (from either type token), its values with the unknowns of a
// preview made explicit, and which of them are Pulumi secrets.
import { UnknownValueError } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

export type Kind = "ServiceAccount" | "WorkspacePermission" | "TaskExecution";

/**
 * The TypeScript dynamic resources (`pulumi-nodejs:dynamic/talend:ServiceAccount`) and the provider plugin's
 * (`talend:index:ServiceAccount`) read the same input names. Their companions (`…Intent`) and TaskRunner, a
 * component, hold nothing a rule checks.
 */
const TYPE = /^(?:pulumi-nodejs:dynamic\/talend|talend:index):(ServiceAccount|WorkspacePermission|TaskExecution)$/;

export function kindOf(type: string): Kind | undefined {
  return TYPE.exec(type)?.[1] as Kind | undefined;
}

/** A value a preview does not know yet (it depends on another resource's output). */
export const UNKNOWN: unique symbol = Symbol("unknown until apply");
export type Unknown = typeof UNKNOWN;

/**
 * The policy SDK hands validators a proxy that throws when an unknown value is read, which it would report as
 * "can't run policy during preview". The rules decide themselves what an unknown means, so every value is read
 * once, into plain data where UNKNOWN stands for it.
 */
export function plain(props: Record<string, unknown>): Record<string, unknown> {
  return materialize(props) as Record<string, unknown>;
}

function materialize(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(() => value[i]));
  return Object.fromEntries(Object.keys(value).map((k) => [k, read(() => (value as Record<string, unknown>)[k])]));
}

function read(get: () => unknown): unknown {
  try {
    return materialize(get());
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** The known strings of a list (none while the whole list is unknown). */
export function knownStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Whether a list, or any of its elements, is unknown. */
export const hasUnknown = (v: unknown): boolean => v === UNKNOWN || (Array.isArray(v) && v.includes(UNKNOWN));

// ------------------------------------------------------------------------------------------------------------
// Secrets. @pulumi/policy unwraps secret values before a validator sees them and keeps no mark of which were
// secret (pulumi/pulumi-policy#241, open since 2020), although the engine sends them marked. Two rules need the
// mark, so the properties are also read here, as the engine sent them: the module that turns the engine's
// properties into the validators' keeps the secret paths beside its result. This reaches into @pulumi/policy's
// internals (checked against 1.21.0, and by test/policy/rules.test.ts); when they change, `secretPaths`
// returns undefined and those rules refuse rather than guess.

const SECRET_PATHS = Symbol.for("pulumi-talend/policy secret paths");
const WRAPPED = Symbol.for("pulumi-talend/policy wraps deserializeProperties");

type Deserialize = ((struct: { toJavaScript(): unknown }, proxySecrets: boolean) => Record<string, unknown>) & { [WRAPPED]?: true };

/** Wraps @pulumi/policy's deserializeProperties once; false when this @pulumi/policy has none to wrap. */
export function noteSecretPaths(): boolean {
  let internals: { deserializeProperties?: Deserialize };
  try {
    internals = require("@pulumi/policy/deserialize");
  } catch {
    return false;
  }
  const original = internals.deserializeProperties;
  if (typeof original !== "function") return false;
  if (original[WRAPPED]) return true;
  const wrapped: Deserialize = (struct, proxySecrets) => {
    const props = original(struct, proxySecrets);
    // Non-writable and non-configurable: the SDK's unknown-checking proxy returns such a property as it is.
    if (props && typeof props === "object" && typeof struct?.toJavaScript === "function") Object.defineProperty(props, SECRET_PATHS, { value: secretPathsIn(struct.toJavaScript()) });
    return props;
  };
  wrapped[WRAPPED] = true;
  internals.deserializeProperties = wrapped;
  return true;
}

/** The secret values' paths (JSON-encoded property paths) of a resource's properties; undefined when unmarked. */
export function secretPaths(props: Record<string | symbol, unknown>): ReadonlySet<string> | undefined {
  const paths = props[SECRET_PATHS];
  return paths instanceof Set ? paths : undefined;
}

/** True when the value at `path`, or a value holding it, is a secret. */
export function isSecretAt(paths: ReadonlySet<string>, path: Array<string | number>): boolean {
  return path.some((_, i) => paths.has(JSON.stringify(path.slice(0, i + 1))));
}

function secretPathsIn(raw: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown, path: Array<string | number>) => {
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
    const o = v as Record<string, unknown>;
    if (o[specialSigKey] === specialSecretSig) {
      found.add(JSON.stringify(path));
      return walk(o.value, path);
    }
    for (const [k, x] of Object.entries(o)) walk(x, [...path, k]);
  };
  walk(raw, []);
  return found;
}
