// Response checks against Talend's official OpenAPI specs, through the contract derived from them and committed
// in the repository (test/contract/talend-api.json, written by tools/gen-contract.ts): tests read nothing outside
// the repository.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BodySchema, CONTRACT_FILE, type Contract, ContractSchema } from "../../tools/gen-contract";
import { repoRoot } from "../../tools/repo-root";

let loaded: Contract | undefined;
/** The committed contract, parsed once. */
export function contract(): Contract {
  return (loaded ??= ContractSchema.parse(JSON.parse(readFileSync(join(repoRoot(), CONTRACT_FILE), "utf8"))));
}

/**
 * Problems of `body` against the spec's response for (method, spec path template, status): missing required
 * fields, wrong JSON types, values outside an enum, malformed date-times. [] when it conforms (extra fields allowed).
 */
export function specProblems(method: string, template: string, status: number, body: unknown): string[] {
  const endpoint = contract().endpoints[`${method.toUpperCase()} ${template}`];
  if (!endpoint) return [`${method} ${template} is not in the spec`];
  const schema = endpoint.responses[String(status)];
  if (schema === undefined) return [`${method} ${template} does not document status ${status}`];
  if (schema === null) return body === undefined ? [] : [`${status} documents no body, got ${JSON.stringify(body)}`];
  const problems: string[] = [];
  check(contract().schemas[endpoint.spec] ?? {}, schema, body, "body", problems);
  return problems;
}

function check(named: Record<string, BodySchema>, s: BodySchema, v: unknown, at: string, problems: string[]): void {
  if (s.$ref) return check(named, named[s.$ref]!, v, at, problems);
  if (v === undefined || v === null) return void problems.push(`${at} is missing or null`);
  const type = s.type ?? (s.properties ? "object" : undefined);
  const actual = Array.isArray(v) ? "array" : typeof v;
  if (type === "integer" && !Number.isInteger(v)) problems.push(`${at} should be an integer, is ${JSON.stringify(v)}`);
  else if (type === "number" && actual !== "number") problems.push(`${at} should be a number, is ${actual}`);
  else if (type && type !== "integer" && type !== "number" && type !== actual) return void problems.push(`${at} should be ${type}, is ${actual}`);
  if (s.enum && !s.enum.includes(v)) problems.push(`${at} = ${JSON.stringify(v)} is not one of ${s.enum.join(", ")}`);
  if (s.format === "date-time" && (typeof v !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v))) problems.push(`${at} is not a date-time: ${JSON.stringify(v)}`);
  if (type === "array" && s.items) (v as unknown[]).forEach((item, i) => check(named, s.items!, item, `${at}[${i}]`, problems));
  if (type === "object" && s.properties) {
    const obj = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (obj[r] === undefined) problems.push(`${at}.${r} is required`);
    for (const [k, sub] of Object.entries(s.properties)) if (obj[k] !== undefined) check(named, sub, obj[k], `${at}.${k}`, problems);
  }
}
