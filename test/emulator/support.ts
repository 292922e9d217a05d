// Shared by the emulator tests: HTTP calls, token minting, and checks against the official OpenAPI specs.
import assert from "node:assert/strict";
import type { TalendEmulator } from "../../emulator";
import { specProblems } from "../helpers/openapi";

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

/** Calls, asserts the status, and checks the body against the spec (the committed contract) for that status. */
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
