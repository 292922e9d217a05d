import { TalendError } from "./errors";

/**
 * Tagged template for API paths: every interpolated value becomes one encoded path segment. Empty, dot
 * segments and non-strings are refused, so an id like "../permissions" can never address another endpoint.
 */
export function path(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += segment(value) + (strings[i + 1] ?? "");
  });
  return out;
}

function segment(value: unknown): string {
  if (typeof value !== "string" || value === "" || value === "." || value === "..") {
    throw new TalendError({ kind: "config", message: `invalid identifier ${JSON.stringify(value)} in a request path`, hint: "pass the id exactly as Talend returned it" });
  }
  return encodeURIComponent(value);
}

/** FIQL value for an identifier Talend generated; anything else is refused rather than escaped. */
export function fiqlId(value: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) {
    throw new TalendError({ kind: "config", message: `invalid identifier ${JSON.stringify(value)} in a query`, hint: "pass the id exactly as Talend returned it" });
  }
  return value;
}
