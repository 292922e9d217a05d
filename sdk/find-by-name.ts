import { TalendError } from "./errors";

/** Exactly one match, or an error that says what was looked for and what exists instead. */
export function exactlyOne<T>(matches: T[], what: string, candidates: () => string[]): T {
  if (matches.length === 1) return matches[0] as T;
  if (matches.length === 0) {
    const known = candidates();
    throw new TalendError({
      kind: "not-found-lookup",
      message: `no ${what} found`,
      hint: known.length ? `names visible to these credentials: ${known.slice(0, 20).join(", ")}` : "these credentials see none; check the name and the caller's permissions",
    });
  }
  throw new TalendError({ kind: "ambiguous-lookup", message: `${matches.length} matches for ${what}`, hint: "narrow it down (e.g. give the environment) or pass the id instead" });
}
