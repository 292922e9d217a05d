#!/usr/bin/env node
// talend-import: reads the service accounts and workspace grants that already exist in a tenant and writes a
// Pulumi program that adopts them unchanged. Exit code 0 when a program was written, 1 when the tenant could
// not be read or nothing matched, 2 on bad usage. Errors are one line with the fix; no credential is printed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type Permission, type ServiceAccountRecord as ServiceAccount, TalendClient, TalendError, TokenCache, isTalendError, redact } from "../sdk";
import { ServiceAccountInputsSchema } from "../provider/service-account";
import { readSettings } from "../provider/settings";
import { WorkspacePermissionInputsSchema } from "../provider/workspace-permission";
import { joinCredentialValues } from "./credential-args";

const USAGE = `usage: talend-import [--region eu|us|us-west|ap|au | --endpoint URL] [--token PAT]
                     [--name GLOB]... [--environment NAME] [--out DIR [--force]]
Writes a Pulumi TypeScript program that adopts the tenant's service accounts (with their account
permissions) and their workspace permissions, to DIR/index.ts (plus Pulumi.yaml and package.json when
absent) or to stdout. --name keeps accounts whose name matches (* and ?; repeatable); --environment keeps
the grants in that environment, and the accounts holding one there. Settings as for the provider:
TALEND_REGION / TALEND_ENDPOINT / TALEND_TOKEN. The PAT needs "Service Account - Manage"
(TMC_SERVICE_ACCOUNT_MANAGEMENT) and "Users - Manage" (TMC_USER_MANAGEMENT).`;

/** One grant as found in Talend, keyed by names wherever the names are unambiguous. */
export const FoundGrantSchema = z.object({
  environment: z.string(),
  workspace: z.string(),
  /** Set when the (environment, workspace) names do not identify the workspace alone. */
  workspaceId: z.string().optional(),
  /** Why the grant is referenced by id. */
  note: z.string().optional(),
  permissions: z.array(z.string()),
});
export type FoundGrant = z.infer<typeof FoundGrantSchema>;

export const InventorySchema = z.object({
  source: z.string(),
  filters: z.object({ names: z.array(z.string()), environment: z.string().optional() }),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), permissions: z.array(z.string()), grants: z.array(FoundGrantSchema) })),
});
export type Inventory = z.infer<typeof InventorySchema>;
type FoundAccount = Inventory["accounts"][number];

// --- names ------------------------------------------------------------------------------------------------

/** A Pulumi resource name from a Talend name: lower-case ASCII letters, digits and single dashes. */
export function sanitize(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s || "unnamed";
}

const shortHash = (text: string, n = 6) => createHash("sha256").update(text).digest("hex").slice(0, n);

/**
 * Unique names for items whose sanitised bases may collide. A colliding item whose identity already is its
 * base keeps it; the others get a hash of their own identity, so a name never depends on list order.
 * Returns the name per identity, and the groups that collided (for a comment in the program).
 */
export function uniqueNames(items: Array<{ identity: string; base: string }>): { names: Map<string, string>; collisions: string[][] } {
  const byBase = new Map<string, string[]>();
  for (const { identity, base } of items) byBase.set(base, [...(byBase.get(base) ?? []), identity]);
  const names = new Map<string, string>();
  const collisions: string[][] = [];
  for (const [base, identities] of byBase) {
    if (identities.length === 1) {
      names.set(identities[0] as string, base);
      continue;
    }
    collisions.push([...identities].sort());
    for (const identity of identities) names.set(identity, identity === base ? base : `${base}-${shortHash(identity)}`);
  }
  const used = new Set<string>();
  for (const [identity, name] of [...names].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // A hashed name equal to another item's base is vanishingly rare; a longer hash settles it.
    const final = used.has(name) ? `${name}-${shortHash(identity, 16)}` : name;
    names.set(identity, final);
    used.add(final);
  }
  return { names, collisions };
}

const RESERVED = new Set(
  "await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield talend".split(" "),
);

/** TypeScript identifiers for resource names (only the program's readability depends on them). */
function identifiers(resourceNames: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const name of resourceNames) {
    let id = name.replace(/[-.]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    if (/^[0-9]/.test(id) || RESERVED.has(id)) id = `account${id.charAt(0).toUpperCase()}${id.slice(1)}`;
    let candidate = id;
    for (let i = 2; used.has(candidate); i++) candidate = `${id}${i}`;
    used.add(candidate);
    out.set(name, candidate);
  }
  return out;
}

/** `*` any run of characters, `?` one; everything else literal; the whole name must match. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
}

// --- the program ------------------------------------------------------------------------------------------

const str = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(str).join(", ")}]`;

/** The Pulumi program for an inventory: deterministic (sorted, no timestamps), so re-imports diff cleanly. */
export function renderProgram(inv: Inventory): { program: string; accounts: number; grants: number; skipped: string[] } {
  const skipped: string[] = [];
  const accounts = [...inv.accounts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const declarable = accounts.filter((a) => {
    // The provider's own input schema decides: what it would refuse (or alter) is not declared.
    const parsed = ServiceAccountInputsSchema.safeParse({ name: a.name, permissions: a.permissions, adoptExisting: true });
    const reason = !parsed.success ? parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ") : parsed.data.name !== a.name ? "name has leading or trailing spaces" : undefined;
    if (reason) skipped.push(`account ${str(a.name)} (${a.id}): ${reason}; manage it in TMC or rename it there first`);
    return !reason;
  });
  const acctNames = uniqueNames(declarable.map((a) => ({ identity: a.name, base: sanitize(a.name) })));
  const vars = identifiers(declarable.map((a) => acctNames.names.get(a.name) as string));
  const grantItems = declarable.flatMap((a) =>
    a.grants.map((g) => ({ a, g, identity: [a.name, g.environment, g.workspace, g.workspaceId ?? ""].join("\u0000"), base: [acctNames.names.get(a.name), sanitize(g.environment), sanitize(g.workspace)].join(".") })),
  );
  const grantNames = uniqueNames(grantItems);

  const lines: string[] = [];
  const scope = [inv.filters.names.length ? `accounts matching ${inv.filters.names.map(str).join(" or ")}` : "", inv.filters.environment ? `environment ${str(inv.filters.environment)}` : ""].filter(Boolean).join(", ");
  lines.push(
    `// Generated by talend-import from ${inv.source}${scope ? ` (${scope})` : ""}.`,
    "// `pulumi up` adopts these accounts and grants as they are and changes nothing in Talend; from then on this",
    "// program is authoritative for them: edit, preview, apply.",
  );
  if (inv.filters.environment) lines.push("// Accounts are tenant-wide: keep each in one stack only, or the stacks will fight over its permissions.");
  for (const s of skipped) lines.push(`// Not imported: ${s}.`);
  const said = (names: Map<string, string>, group: string[], label: (identity: string) => string) => group.map((i) => `${label(i)} as ${str(names.get(i) as string)}`).join(", ");
  for (const group of acctNames.collisions) lines.push(`// Names that collide once sanitised, kept apart: ${said(acctNames.names, group, str)}.`);
  for (const group of grantNames.collisions) lines.push(`// Names that collide once sanitised, kept apart: ${said(grantNames.names, group, (i) => str(i.split("\u0000").slice(0, 3).join("/")))}.`);
  lines.push('import * as talend from "pulumi-talend";');

  let grantCount = 0;
  for (const a of declarable) {
    const name = acctNames.names.get(a.name) as string;
    const v = vars.get(name) as string;
    lines.push(
      "",
      `// ${str(a.name)} (${a.id}): its secret cannot be recovered (Talend shows it once, at creation); clientSecret stays empty.`,
      `// To rotate to a secret managed here, replace \`adoptExisting: true\` with \`rotateSecret: "1"\` (deletes and recreates the account).`,
      `const ${v} = new talend.ServiceAccount(${str(name)}, {`,
      `  name: ${str(a.name)},`,
      `  permissions: ${list([...new Set(a.permissions)].sort())},`,
      "  adoptExisting: true,",
      "});",
    );
    const grants = grantItems.filter((i) => i.a === a).sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : 0));
    for (const { g, identity } of grants) {
      const where = g.workspaceId ? [`  workspaceId: ${str(g.workspaceId)},`] : [`  workspace: ${str(g.workspace)},`, `  environment: ${str(g.environment)},`];
      const parsed = WorkspacePermissionInputsSchema.safeParse({ serviceAccountId: a.id, workspaceId: g.workspaceId, workspace: g.workspaceId ? undefined : g.workspace, environment: g.workspaceId ? undefined : g.environment, permissions: g.permissions });
      if (!parsed.success) {
        lines.push(`// Not imported: ${str(a.name)} on ${str(`${g.environment}/${g.workspace}`)} holds ${list(g.permissions)}: ${parsed.error.issues[0]?.message}.`);
        continue;
      }
      if (g.note) lines.push(`// ${g.note}`);
      lines.push(
        `new talend.WorkspacePermission(${str(grantNames.names.get(identity) as string)}, {`,
        `  serviceAccountId: ${v}.clientId,`,
        ...where,
        `  permissions: ${list(parsed.data.permissions)},`,
        "  adoptExisting: true,",
        "});",
      );
      grantCount++;
    }
  }
  return { program: `${lines.join("\n")}\n`, accounts: declarable.length, grants: grantCount, skipped };
}

// --- reading the tenant -----------------------------------------------------------------------------------

/** Runs `fn` over `items`, at most `n` at a time, keeping order. */
async function mapLimit<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  }));
  return out;
}

function forbidden(e: unknown, what: string, permission: string): never {
  if (isTalendError(e, 403)) throw new TalendError({ kind: "http", status: 403, message: `the token may not ${what} (403)`, hint: `give the PAT's user ${permission}` });
  throw e;
}

export async function readTenant(client: TalendClient, filters: Inventory["filters"]): Promise<Inventory> {
  const all: ServiceAccount[] = await client.serviceAccounts.list().catch((e) => forbidden(e, "list service accounts", '"Service Account - Manage" (TMC_SERVICE_ACCOUNT_MANAGEMENT)'));
  if (!all.length) throw new TalendError({ kind: "not-found-lookup", message: "nothing to import: the tenant has no service accounts", hint: "check --endpoint/--region (is this the right tenant?); new accounts are declared with talend.ServiceAccount" });
  const patterns = filters.names.map(globToRegExp);
  const named = patterns.length ? all.filter((a) => patterns.some((p) => p.test(a.name))) : all;
  if (!named.length) {
    const names = all.map((a) => a.name).sort();
    throw new TalendError({ kind: "not-found-lookup", message: `no service account matches --name ${filters.names.map(str).join(" or ")}`, hint: `names are matched whole, case-sensitively (* and ?); accounts: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}` });
  }
  const environments = await client.environments.list();
  const env = filters.environment === undefined ? undefined : await client.environments.getByName(filters.environment);
  const workspaces = await client.workspaces.list();
  const envName = new Map(environments.map((e) => [e.id, e.name]));
  const place = new Map(workspaces.map((w) => [w.id, { workspace: w.name, environment: envName.get(w.environment?.id ?? "") ?? w.environment?.name ?? "" }]));
  const sameNames = (p: { workspace: string; environment: string }) => [...place.values()].filter((q) => q.workspace === p.workspace && q.environment === p.environment).length;

  // One search per account: the filter names the account, so the answer's `userId` need not be trusted to hold it.
  const grantsOf = (a: ServiceAccount) =>
    client.workspacePermissions.search({ serviceAccountId: a.id, environmentId: env?.id }).catch((e) => forbidden(e, "read workspace permissions", '"Users - Manage" (TMC_USER_MANAGEMENT): grants cannot be read without it'));
  const found = await mapLimit(named, 8, async (a): Promise<FoundAccount> => ({
    id: a.id,
    name: a.name,
    permissions: a.permissions,
    // The environment is checked again here: a grant must never land in another environment's program.
    grants: (await grantsOf(a)).filter((g) => !env || place.get(g.workspaceId)?.environment === env.name).map((g: Permission) => foundGrant(g, place.get(g.workspaceId), sameNames)),
  }));
  const accounts = env ? found.filter((a) => a.grants.length) : found;
  if (!accounts.length) throw new TalendError({ kind: "not-found-lookup", message: `no matching service account holds permissions in environment ${str(filters.environment ?? "")}`, hint: "drop --environment to import accounts without grants there" });
  return { source: client.baseUrl, filters, accounts };
}

function foundGrant(g: Permission, at: { workspace: string; environment: string } | undefined, sameNames: (p: { workspace: string; environment: string }) => number): FoundGrant {
  if (!at) return { environment: "unknown", workspace: g.workspaceId, workspaceId: g.workspaceId, note: `workspace ${g.workspaceId} is not in the workspace list these credentials see: referenced by id`, permissions: g.permissions };
  if (sameNames(at) > 1) return { ...at, workspaceId: g.workspaceId, note: `several workspaces are named ${str(at.workspace)} in ${str(at.environment)}: referenced by id`, permissions: g.permissions };
  return { ...at, permissions: g.permissions };
}

// --- the command ------------------------------------------------------------------------------------------

export const ImportOptionsSchema = z.object({
  settings: z.object({ region: z.string().optional(), endpoint: z.string().optional(), token: z.string().optional() }),
  filters: InventorySchema.shape.filters,
  out: z.string().optional(),
  force: z.boolean(),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

/** Flags, or a usage error (kind "config") naming the flag and the fix. */
export function parseFlags(argv: string[]): ImportOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinCredentialValues(argv),
      options: {
        region: { type: "string" },
        endpoint: { type: "string" },
        token: { type: "string" },
        name: { type: "string", multiple: true },
        environment: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new TalendError({ kind: "config", message: (e as Error).message.split("\n")[0] ?? "bad arguments", hint: "run talend-import --help for the flags" });
  }
  if (values.help) return "help";
  const empty = (["region", "endpoint", "token", "environment", "out"] as const).find((k) => values[k] === "") ?? (values.name?.includes("") ? "name" : undefined);
  if (empty) throw new TalendError({ kind: "config", message: `--${empty} is empty`, hint: `give --${empty} a value, or leave it out` });
  if (values.force && !values.out) throw new TalendError({ kind: "config", message: "--force without --out", hint: "--force only allows overwriting DIR/index.ts" });
  return { settings: { region: values.region, endpoint: values.endpoint, token: values.token }, filters: { names: values.name ?? [], environment: values.environment }, out: values.out, force: values.force ?? false };
}

/** The provider's own settings reader; its messages name `talend:x` config keys, here they are flags. */
function settingsFrom(flags: ImportOptions["settings"], env: NodeJS.ProcessEnv) {
  try {
    return readSettings((key) => flags[key.slice("talend:".length) as keyof typeof flags], env);
  } catch (e) {
    const key = (e as Error).message.match(/talend:(region|endpoint|token)/)?.[1];
    if (!key) throw e;
    const fix = { region: "pass --region eu|us|us-west|ap|au (or TALEND_REGION), or --endpoint URL", endpoint: "pass --endpoint http(s)://host[:port] (or TALEND_ENDPOINT)", token: "pass --token <personal access token> (or export TALEND_TOKEN), the PAT alone" }[key as "region"];
    throw new TalendError({ kind: "config", message: ((e as TalendError).message.split("\n")[0] ?? "").replace(/^pulumi-talend configuration: /, ""), hint: fix });
  }
}

/** Files written next to index.ts when absent, so that the directory is a ready Pulumi project. */
function projectFiles(dir: string): Record<string, string> {
  // dist/cli/ → the package root, whether run from a clone or from node_modules.
  const ours = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  const project = sanitize(basename(resolve(dir)));
  return {
    "Pulumi.yaml": `name: ${project}\nruntime: nodejs\nmain: index.ts\ndescription: Talend service accounts and grants, imported by talend-import\n`,
    "package.json": `${JSON.stringify({ name: project, private: true, dependencies: { "@pulumi/pulumi": ours.dependencies["@pulumi/pulumi"], "pulumi-talend": `^${ours.version}`, typescript: ours.devDependencies.typescript } }, null, 2)}\n`,
  };
}

export async function runImport(argv: string[], env: NodeJS.ProcessEnv, io: { out(s: string): void; err(s: string): void }): Promise<number> {
  const opts = parseFlags(argv);
  if (opts === "help") {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const settings = settingsFrom(opts.settings, env);
  const index = opts.out ? join(opts.out, "index.ts") : undefined;
  if (index && existsSync(index) && !opts.force) throw new TalendError({ kind: "config", message: `${index} exists`, hint: "choose an empty directory, or pass --force to overwrite index.ts" });
  const client = new TalendClient({ endpoint: settings.baseUrl, credentials: { token: settings.token }, tokenCache: new TokenCache(), retry: { maxAttempts: 3 } });
  try {
    const rendered = renderProgram(await readTenant(client, opts.filters));
    const summary = `talend-import: ${rendered.accounts} service accounts, ${rendered.grants} workspace grants${rendered.skipped.length ? `, ${rendered.skipped.length} not imported (see the comments)` : ""}`;
    if (!opts.out) {
      io.out(rendered.program);
      io.err(`${summary}\n`);
      return 0;
    }
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(index as string, rendered.program);
    const added = Object.entries(projectFiles(opts.out)).filter(([name]) => !existsSync(join(opts.out as string, name)));
    for (const [name, text] of added) writeFileSync(join(opts.out, name), text);
    io.out(`${summary} → ${[index, ...added.map(([n]) => join(opts.out as string, n))].join(", ")}\nnext: cd ${opts.out} && npm install && pulumi stack init && pulumi up   (adopts; changes nothing in Talend)\n`);
    return 0;
  } finally {
    await client.close();
  }
}

/** One line: what went wrong, then the fix. No stack trace, no credential. */
export function errorLine(e: unknown): string {
  const [message, ...rest] = (e instanceof Error ? e.message : String(e)).split("\n");
  const fix = rest.find((l) => l.startsWith("Fix: "));
  // SDK and provider hints name stack-config keys (talend:endpoint); here those settings are flags.
  const line = `talend-import: ${message}${fix ? ` — ${fix.slice(5)}` : ""}`.replace(/\btalend:(region|endpoint|token)\b/g, "--$1");
  return redact(line);
}

if (require.main === module) {
  runImport(process.argv.slice(2), process.env, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${errorLine(e)}\n`);
      process.exit(e instanceof TalendError && e.kind === "config" ? 2 : 1);
    },
  );
}
