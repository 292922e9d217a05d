import { TalendError } from "./errors";
import { closestNames } from "./permission-catalog";

/** Exactly one match, or an error that says what was looked for, the closest names to `wanted`, and what exists instead. */
export function exactlyOne<T>(matches: T[], what: string, candidates: () => string[], wanted?: string): T {
  if (matches.length === 1) return matches[0] as T;
  if (matches.length === 0) {
    const known = candidates();
    const close = wanted === undefined ? [] : closestNames(wanted, known);
    const mean = close.length ? `did you mean ${close.map((c) => `"${c}"`).join(" or ")}? ` : "";
    throw new TalendError({
      kind: "not-found-lookup",
      message: `no ${what} found`,
      hint: known.length ? `${mean}names visible to these credentials: ${known.slice(0, 20).join(", ")}` : "these credentials see none; check the name and the caller's permissions",
    });
  }
  throw new TalendError({ kind: "ambiguous-lookup", message: `${matches.length} matches for ${what}`, hint: "narrow it down (e.g. give the environment) or pass the id instead" });
}
