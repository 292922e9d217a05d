// Secrets must never reach an error message, a log line or a debug dump. Every string that leaves the SDK
// passes through `redact`, which masks values registered at runtime (PATs, client secrets, minted tokens)
// and anything that looks like a credential even if it was never registered.

const registered = new Set<string>();

/** Remember a secret value so that `redact` masks it wherever it appears. Short values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) registered.add(value);
}

/** Forget a secret (e.g. an expired token) so the registry does not keep credentials alive in memory. */
export function forgetSecret(value: string | undefined): void {
  if (value) registered.delete(value);
}

const PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [REDACTED]"],
  [/("(?:access_token|secret|clientSecret|client_secret|token|password|authorization)"\s*:\s*")[^"]*"/gi, '$1[REDACTED]"'],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join("[REDACTED]");
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
