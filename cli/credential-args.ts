/**
 * Credentials are random strings and may begin with "-" (a base64url secret does one time in 64), which
 * node's parseArgs refuses as an ambiguous value for `--client-secret <value>`. The word after a credential
 * flag is always its value: joined as `--flag=value` before parsing.
 */
export function joinCredentialValues(argv: string[], flags: readonly string[] = ["--token", "--client-secret"]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (flags.includes(arg) && i + 1 < argv.length) out.push(`${arg}=${argv[++i]}`);
    else out.push(arg);
  }
  return out;
}
