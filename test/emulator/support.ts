// Shared by the emulator tests: HTTP calls, token minting, and checks against the official OpenAPI specs.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { TalendEmulator } from "../../emulator";

export const ADMIN = "emulator-admin-pat";
export const VIEWER = "emulator-viewer-pat";
export const EDIT = "TMC_TASKS_AND_PLANS_EDIT";

export type Reply = { status: number; body: any; text: string; headers: Headers };

/** One request; `token` → Bearer, `basic` → Basic base64(basic). Bodies are JSON unless `raw`. */
export async function call(emu: TalendEmulator, method: string, path: string, opts: { token?: string; basic?: string; body?: unknown; raw?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { "talend-version": "2021-03" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.basic) headers.authorization = `Basic ${Buffer.from(opts.basic).toString("base64")}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(emu.url + path, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, text, headers: res.headers };
}

export async function createAccount(emu: TalendEmulator, name: string, permissions: string[] = []): Promise<{ id: string; secret: string }> {
  const r = await call(emu, "POST", "/account/service-accounts", { token: ADMIN, body: { name, permissions } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

export async function mint(emu: TalendEmulator, sa: { id: string; secret: string }): Promise<string> {
  const r = await call(emu, "POST", "/security/oauth/token", { basic: `${sa.id}:${sa.secret}`, body: { audience: emu.url, grant_type: "client_credentials" } });
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}

/** Ids of seeded objects by name (the seed derives them from names, but tests should not depend on how). */
export function ids(emu: TalendEmulator) {
  const s = emu.state();
  const env = (name: string) => s.environments.find((e) => e.name === name)!.id;
  const ws = (name: string, envName = "development") => s.workspaces.find((w) => w.name === name && w.environmentId === env(envName))!.id;
  const task = (name: string, envName = "development") => s.tasks.find((t) => t.name === name && s.workspaces.find((w) => w.id === t.workspaceId)!.environmentId === env(envName))!.id;
  return { env, ws, task };
}

// ---- the official specs ------------------------------------------------------------------------------------

type Schema = { $ref?: string; type?: string; format?: string; required?: string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[] };
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const FILES: [string, string][] = [
  ["/account/", "talend-service-accounts-openapi.json"],
  ["/security/oauth/", "talend-oauth-openapi.json"],
  ["/security/", "talend-workspace-permissions-openapi.json"],
  ["/orchestration/", "talend-orchestration-openapi.json"],
  ["/processing/", "talend-processing-openapi.json"],
  ["/monitoring/", "talend-execution-logs-openapi.json"],
];

/** The repository root: the nearest directory with a package.json above this file (compiled or not), else above the cwd. */
function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "emulator"))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`no repository root above ${__dirname} or ${process.cwd()}`);
}

const specs = new Map<string, Spec>();
function specFor(template: string): Spec {
  const file = FILES.find(([prefix]) => template.startsWith(prefix))?.[1];
  if (!file) throw new Error(`no spec covers ${template}`);
  if (!specs.has(file)) specs.set(file, JSON.parse(readFileSync(resolve(repoRoot(), "..", "shared", "reference", "openapi", file), "utf8")));
  return specs.get(file)!;
}

/** The spec's operation, for tests that read parameters or request schemas. */
export function specOperation(method: string, template: string): Operation & Record<string, any> {
  const op = specFor(template).paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in the spec`);
  return op;
}

export function specSchema(template: string, name: string): Schema {
  return specFor(template).components.schemas[name]!;
}

/** Problems of `body` against the spec's response for (method, template, status); [] when it conforms. */
export function specProblems(method: string, template: string, status: number, body: unknown): string[] {
  const spec = specFor(template);
  const response = specOperation(method, template).responses[String(status)];
  if (!response) return [`${method} ${template} does not document status ${status}`];
  const schema = response.content ? Object.values(response.content)[0]?.schema : undefined;
  if (!schema) return body === undefined ? [] : [`${status} documents no body, got ${JSON.stringify(body)}`];
  const problems: string[] = [];
  check(spec, schema, body, "body", problems);
  return problems;
}

function check(spec: Spec, s: Schema, v: unknown, at: string, problems: string[]): void {
  if (s.$ref) return check(spec, spec.components.schemas[s.$ref.split("/").pop()!]!, v, at, problems);
  if (v === undefined || v === null) return void problems.push(`${at} is missing or null`);
  const type = s.type ?? (s.properties ? "object" : undefined);
  const actual = Array.isArray(v) ? "array" : typeof v;
  if (type === "integer" && !Number.isInteger(v)) problems.push(`${at} should be an integer, is ${JSON.stringify(v)}`);
  else if (type === "number" && actual !== "number") problems.push(`${at} should be a number, is ${actual}`);
  else if (type && type !== "integer" && type !== "number" && type !== actual) return void problems.push(`${at} should be ${type}, is ${actual}`);
  if (s.enum && !s.enum.includes(v)) problems.push(`${at} = ${JSON.stringify(v)} is not one of ${s.enum.join(", ")}`);
  if (s.format === "date-time" && (typeof v !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v))) problems.push(`${at} is not a date-time: ${JSON.stringify(v)}`);
  if (type === "array" && s.items) (v as unknown[]).forEach((item, i) => check(spec, s.items!, item, `${at}[${i}]`, problems));
  if (type === "object" && s.properties) {
    const obj = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (obj[r] === undefined) problems.push(`${at}.${r} is required`);
    for (const [k, sub] of Object.entries(s.properties)) if (obj[k] !== undefined) check(spec, sub, obj[k], `${at}.${k}`, problems);
  }
}

/** Calls, asserts the status, and checks the body against the spec for that status. */
export async function conforms(emu: TalendEmulator, method: string, path: string, template: string, status: number, opts: Parameters<typeof call>[3] = {}): Promise<Reply> {
  const r = await call(emu, method, path, opts);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  assert.deepEqual(specProblems(method, template, status, r.body), [], `${method} ${path} ${status} vs the spec: ${r.text}`);
  return r;
}

/** Talend's ErrorResponse with a UUID requestId (every family but /account). */
export function assertErrorResponse(r: Reply, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.message, "string");
  assert.match(r.body.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
}

/** The service-accounts API's `{status, detail}`. */
export function assertSaError(r: Reply, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ["detail", "status"]);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.detail, "string");
}
