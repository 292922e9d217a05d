import { specialOutputValueSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

// The provider server hands over property values as the engine encodes them (it accepts secrets): a secret is
// `{ [sig]: secretSig, value }`, and an output value `{ [sig]: outputSig, value?, secret? }`. The handlers know plain
// values only (and the unknown-value marker, as in the dynamic host). These translate at the boundary.

/** Plain values, and the top-level keys that held a secret anywhere inside. */
export function unwrap(props: Record<string, unknown> | undefined): { values: Record<string, unknown>; secretKeys: Set<string> } {
  const secretKeys = new Set<string>();
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    const flag = { secret: false };
    values[k] = plain(v, flag);
    if (flag.secret) secretKeys.add(k);
  }
  return { values, secretKeys };
}

function plain(v: unknown, flag: { secret: boolean }): unknown {
  if (Array.isArray(v)) return v.map((e) => plain(e, flag));
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[specialSigKey] === specialSecretSig) {
    flag.secret = true;
    return plain(o.value, flag);
  }
  if (o[specialSigKey] === specialOutputValueSig) {
    if (o.secret) flag.secret = true;
    return "value" in o ? plain(o.value, flag) : unknownValue;
  }
  return Object.fromEntries(Object.entries(o).map(([k, e]) => [k, plain(e, flag)]));
}

/** The values with `secretKeys` marked secret (those present). */
export function wrap<T extends Record<string, unknown> | undefined>(values: T, secretKeys: Iterable<string>): T {
  if (!values) return values;
  const out: Record<string, unknown> = { ...values };
  for (const k of secretKeys) if (out[k] !== undefined && out[k] !== unknownValue) out[k] = { [specialSigKey]: specialSecretSig, value: out[k] };
  return out as T;
}
