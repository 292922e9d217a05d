import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** The engine's placeholder for values not known until apply (seen in check and diff during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * Validates inputs with a zod object schema (plus cross-field rules) and turns issues into per-field check
 * failures that name the field and what is allowed. Fields still unknown (preview) are left for the
 * apply-time check, but every known field is parsed, so defaults are filled in preview exactly as in `up`
 * (otherwise a preview diff shows defaults as removed).
 */
export function checkInputs<S extends z.ZodObject>(
  schema: S,
  rules: ((value: z.output<S>, ctx: z.RefinementCtx) => void) | undefined,
  news: Record<string, unknown>,
  resource: string,
): pulumi.dynamic.CheckResult<z.output<S>> {
  const { __provider, ...given } = news;
  const unknownKeys = Object.keys(given).filter((k) => containsUnknown(given[k]));
  const known = Object.fromEntries(Object.entries(given).filter(([k]) => !unknownKeys.includes(k)));
  const lenient = lenientSchema(schema, unknownKeys.filter((k) => k in schema.shape));
  const parsed = (rules ? refined(lenient, rules) : lenient).safeParse(known);
  const failures = parsed.success
    ? []
    : parsed.error.issues
        .filter((issue) => !unknownKeys.includes(String(issue.path[0])))
        .map((issue) => ({ property: String(issue.path[0] ?? ""), reason: `${resource}.${issue.path.join(".") || "inputs"}: ${issue.message}` }));
  if (failures.length) return { failures };
  // Issues only on unknown fields: keep the known ones as parsed (with defaults) where the object parse passes.
  const data = parsed.success ? parsed.data : lenient.safeParse(known).data;
  return { inputs: { ...(data as object), ...pick(given, unknownKeys) } as z.output<S> };
}

/**
 * The schema with `optionalKeys` made optional, built once per schema and key set: zod compiles each new schema
 * on its first parse, which cost more than the parse itself when it happened at every check (one per resource).
 */
function lenientSchema<S extends z.ZodObject>(schema: S, optionalKeys: string[]): z.ZodObject {
  return memo(lenientSchemas, schema, optionalKeys.join("\0"), () => (optionalKeys.length ? schema.partial(Object.fromEntries(optionalKeys.map((k) => [k, true])) as never) : schema));
}
const lenientSchemas = new WeakMap<object, Map<unknown, z.ZodObject>>();

function refined(schema: z.ZodObject, rules: (value: never, ctx: z.RefinementCtx) => void): z.ZodType {
  return memo(refinedSchemas, schema, rules, () => schema.superRefine(rules as never));
}
const refinedSchemas = new WeakMap<object, Map<unknown, z.ZodType>>();

function memo<V>(cache: WeakMap<object, Map<unknown, V>>, owner: object, key: unknown, make: () => V): V {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  let value = byKey.get(key);
  if (value === undefined) byKey.set(key, (value = make()));
  return value;
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

/** Input keys whose value differs (order-insensitive where the provider normalized it); unknowns count as changed. */
export function changedKeys<O extends object, N extends object>(olds: O, news: N, keys: readonly string[]): string[] {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return keys.filter((k) => containsUnknown(n[k]) || canonical(o[k]) !== canonical(n[k]));
}

function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

/** Sorted, de-duplicated copy: permission sets compare by value, never by order. */
export function normalizeSet<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}

/**
 * An error that keeps a half-done resource in state: Pulumi records `id` and `properties` (init failure),
 * so nothing created is forgotten and the next `up` retries from there.
 */
export function partialFailure(message: string, id: string, properties: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { id, properties, reasons: [message] });
}
