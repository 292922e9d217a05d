import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../tools/repo-root";

type Schema = { $ref?: string; type?: string; required?: string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; format?: string };
type Spec = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>; components: { schemas: Record<string, Schema> } };

const SPECS: Record<string, string> = {
  "/account/": "talend-service-accounts-openapi.json",
  "/security/oauth/": "talend-oauth-openapi.json",
  "/security/": "talend-workspace-permissions-openapi.json",
  "/orchestration/": "talend-orchestration-openapi.json",
  "/processing/": "talend-processing-openapi.json",
  "/monitoring/": "talend-execution-logs-openapi.json",
};
const cache = new Map<string, Spec>();

/** The official spec (shared/reference/openapi, beside the repository) of the API family a path belongs to. */
function specFor(path: string): Spec {
  const file = Object.entries(SPECS).find(([prefix]) => path.startsWith(prefix))?.[1];
  if (!file) throw new Error(`no spec for ${path}`);
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(repoRoot(), "..", "shared", "reference", "openapi", file), "utf8")));
  return cache.get(file)!;
}

/**
 * Problems of `body` against the spec's response schema for (method, spec path template, status): missing
 * required fields, wrong JSON types, values outside an enum. Empty when it conforms (extra fields allowed).
 */
export function specProblems(method: string, template: string, status: number, body: unknown): string[] {
  const spec = specFor(template);
  const op = spec.paths[template]?.[method.toLowerCase()];
  if (!op) return [`${method} ${template} is not in the spec`];
  const response = op.responses[String(status)];
  if (!response) return [`${method} ${template} does not document status ${status}`];
  const schema = response.content ? Object.values(response.content)[0]?.schema : undefined;
  if (!schema) return body === undefined || body === "" ? [] : [`${status} documents no body`];
  const problems: string[] = [];
  check(spec, schema, body, "body", problems);
  return problems;
}

function check(spec: Spec, s: Schema, v: unknown, at: string, problems: string[]): void {
  if (s.$ref) return check(spec, spec.components.schemas[s.$ref.split("/").pop()!]!, v, at, problems);
  if (v === undefined || v === null) return void problems.push(`${at} is missing`);
  const type = s.type ?? (s.properties ? "object" : undefined);
  const actual = Array.isArray(v) ? "array" : typeof v;
  if (type === "integer" || type === "number") {
    if (actual !== "number") problems.push(`${at} should be a number, is ${actual}`);
  } else if (type && type !== actual) return void problems.push(`${at} should be ${type}, is ${actual}`);
  if (s.enum && !s.enum.includes(v)) problems.push(`${at} = ${JSON.stringify(v)} is not one of ${s.enum.join(", ")}`);
  if (type === "array" && s.items) (v as unknown[]).forEach((item, i) => check(spec, s.items!, item, `${at}[${i}]`, problems));
  if (type === "object" && s.properties) {
    const obj = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (obj[r] === undefined) problems.push(`${at}.${r} is required`);
    for (const [k, sub] of Object.entries(s.properties)) if (obj[k] !== undefined && obj[k] !== null) check(spec, sub, obj[k], `${at}.${k}`, problems);
  }
}
