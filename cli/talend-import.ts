#!/usr/bin/env node
// talend-import: reads the service accounts and workspace grants that already exist in a tenant and writes a
// Pulumi program (TypeScript, or Pulumi YAML with --language yaml) that adopts them unchanged. Exit code 0 when a
// program was written, 1 when the tenant could not be read or nothing matched, 2 on bad usage. Errors are one line with the fix; no credential is printed.
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
                     [--name GLOB]... [--environment NAME] [--language typescript|yaml]
                     [--out DIR [--force]]
Writes a Pulumi program that adopts the tenant's service accounts (with their account permissions) and
their workspace permissions: TypeScript to DIR/index.ts (plus Pulumi.yaml and package.json when absent),
or with --language yaml a Pulumi YAML program to DIR/Pulumi.yaml (plus package.json when absent, for the
plugin); without --out, to stdout. --name keeps accounts whose name matches (* and ?; repeatable);
--environment keeps the grants in that environment, and the accounts holding one there. Settings as for
the provider: TALEND_REGION / TALEND_ENDPOINT / TALEND_TOKEN. The PAT needs "Service Account - Manage"
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

/** A TypeScript identifier for a resource name. */
function tsIdentifier(name: string): string {
  const id = name.replace(/[-.]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return /^[0-9]/.test(id) || RESERVED.has(id) ? `account${id.charAt(0).toUpperCase()}${id.slice(1)}` : id;
}

/** A key of a YAML program's `resources`: the resource name, but `pulumi` (the YAML host's own variable). */
const yamlKey = (name: string) => (name === "pulumi" ? "account-pulumi" : name);

/** Unique program-local names (variables, YAML keys) for resource names; only the program's readability depends on them. */
function localNames(resourceNames: string[], local: (name: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const name of resourceNames) {
    const id = local(name);
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

export const LANGUAGES = ["typescript", "yaml"] as const;
export type Language = (typeof LANGUAGES)[number];

const str = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(str).join(", ")}]`;

type Where = { workspaceId: string } | { workspace: string; environment: string };

/** One thing the program says, in order; `comments` precede it. A note is comments only (a grant not imported). */
type Declaration =
  | { kind: "account"; comments: string[]; name: string; permissions: string[]; talendName: string }
  | { kind: "grant"; comments: string[]; name: string; account: string; where: Where; permissions: string[] }
  | { kind: "note"; comments: string[] };

/** What an inventory declares, whatever the language: names, order, and what is left out (as comments). */
export interface Declarations {
  header: string[];
  declarations: Declaration[];
  accounts: number;
  grants: number;
  skipped: string[];
}

/** Deterministic (sorted, no timestamps), so re-imports diff cleanly. */
export function declare(inv: Inventory): Declarations {
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
  const grantItems = declarable.flatMap((a) =>
    a.grants.map((g) => ({ a, g, identity: [a.name, g.environment, g.workspace, g.workspaceId ?? ""].join("\u0000"), base: [acctNames.names.get(a.name), sanitize(g.environment), sanitize(g.workspace)].join(".") })),
  );
  const grantNames = uniqueNames(grantItems);

  const scope = [inv.filters.names.length ? `accounts matching ${inv.filters.names.map(str).join(" or ")}` : "", inv.filters.environment ? `environment ${str(inv.filters.environment)}` : ""].filter(Boolean).join(", ");
  const header = [
    `Generated by talend-import from ${inv.source}${scope ? ` (${scope})` : ""}.`,
    "`pulumi up` adopts these accounts and grants as they are and changes nothing in Talend; from then on this",
    "program is authoritative for them: edit, preview, apply.",
  ];
  if (inv.filters.environment) header.push("Accounts are tenant-wide: keep each in one stack only, or the stacks will fight over its permissions.");
  for (const s of skipped) header.push(`Not imported: ${s}.`);
  const said = (names: Map<string, string>, group: string[], label: (identity: string) => string) => group.map((i) => `${label(i)} as ${str(names.get(i) as string)}`).join(", ");
  for (const group of acctNames.collisions) header.push(`Names that collide once sanitised, kept apart: ${said(acctNames.names, group, str)}.`);
  for (const group of grantNames.collisions) header.push(`Names that collide once sanitised, kept apart: ${said(grantNames.names, group, (i) => str(i.split("\u0000").slice(0, 3).join("/")))}.`);

  const declarations: Declaration[] = [];
  let grantCount = 0;
  for (const a of declarable) {
    const account = acctNames.names.get(a.name) as string;
    declarations.push({
      kind: "account",
      comments: [
        `${str(a.name)} (${a.id}): its secret cannot be recovered (Talend shows it once, at creation); clientSecret stays empty.`,
        'To rotate to a secret managed here, replace `adoptExisting: true` with `rotateSecret: "1"` (deletes and recreates the account).',
      ],
      name: account,
      talendName: a.name,
      permissions: [...new Set(a.permissions)].sort(),
    });
    const grants = grantItems.filter((i) => i.a === a).sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : 0));
    for (const { g, identity } of grants) {
      const where: Where = g.workspaceId ? { workspaceId: g.workspaceId } : { workspace: g.workspace, environment: g.environment };
      const parsed = WorkspacePermissionInputsSchema.safeParse({ serviceAccountId: a.id, ...where, permissions: g.permissions });
      if (!parsed.success) {
        declarations.push({ kind: "note", comments: [`Not imported: ${str(a.name)} on ${str(`${g.environment}/${g.workspace}`)} holds ${list(g.permissions)}: ${parsed.error.issues[0]?.message}.`] });
        continue;
      }
      declarations.push({ kind: "grant", comments: g.note ? [g.note] : [], name: grantNames.names.get(identity) as string, account, where, permissions: parsed.data.permissions });
      grantCount++;
    }
  }
  return { header, declarations, accounts: declarable.length, grants: grantCount, skipped };
}

/** The TypeScript program: the package's classes, each grant referencing its account's variable. */
function renderTypeScript(d: Declarations): string {
  const vars = localNames(d.declarations.flatMap((x) => (x.kind === "account" ? [x.name] : [])), tsIdentifier);
  const lines = [...d.header.map((c) => `// ${c}`), 'import * as talend from "pulumi-talend";'];
  for (const x of d.declarations) {
    if (x.kind === "account") lines.push("");
    lines.push(...x.comments.map((c) => `// ${c}`));
    if (x.kind === "account")
      lines.push(`const ${vars.get(x.name)} = new talend.ServiceAccount(${str(x.name)}, {`, `  name: ${str(x.talendName)},`, `  permissions: ${list(x.permissions)},`, "  adoptExisting: true,", "});");
    if (x.kind === "grant")
      lines.push(
        `new talend.WorkspacePermission(${str(x.name)}, {`,
        `  serviceAccountId: ${vars.get(x.account)}.clientId,`,
        ...Object.entries(x.where).map(([k, v]) => `  ${k}: ${str(v)},`),
        `  permissions: ${list(x.permissions)},`,
        "  adoptExisting: true,",
        "});",
      );
  }
  return `${lines.join("\n")}\n`;
}

/** A YAML scalar for a literal string: JSON's double quotes are YAML's; `$$` keeps a `$` from interpolating. */
const yamlString = (s: string) => str(s.split("$").join("$$"));
const yamlList = (xs: string[]) => `[${xs.map(yamlString).join(", ")}]`;
/** A key or name plain where YAML reads it as that string, quoted otherwise ("123", "yes", "null"). */
const yamlName = (s: string) => (/^[a-z][a-z0-9.-]*$/.test(s) && !/^(y|n|yes|no|on|off|true|false|null)$/.test(s) ? s : yamlString(s));

/** The head of Pulumi.yaml: the project, and for YAML the plugin from node_modules/.bin (docs/languages.md). */
function projectHead(project: string, language: Language): string {
  const lines = [`name: ${yamlName(project)}`, `runtime: ${language === "yaml" ? "yaml" : "nodejs"}`, ...(language === "typescript" ? ["main: index.ts"] : []), "description: Talend service accounts and grants, imported by talend-import"];
  if (language === "yaml")
    lines.push("plugins:", "  providers:", "    # pulumi-resource-talend, put in node_modules/.bin by `npm install` here; a path keeps the engine from", "    # trying to download it (there is no download server for talend).", "    - name: talend", "      path: ./node_modules/.bin");
  return `${lines.join("\n")}\n`;
}

/** The Pulumi YAML program (the whole Pulumi.yaml): the plugin's types, each grant referencing its account. */
function renderYaml(d: Declarations, project: string): string {
  const keys = localNames(d.declarations.flatMap((x) => (x.kind === "note" ? [] : [x.name])), yamlKey);
  // The key is the resource's name unless it had to differ (then `name:` keeps the name, as in TypeScript).
  const head = (name: string, type: string) => [`  ${yamlName(keys.get(name) as string)}:`, `    type: talend:index:${type}`, ...(keys.get(name) === name ? [] : [`    name: ${yamlString(name)}`]), "    properties:"];
  const resources: string[] = [];
  for (const x of d.declarations) {
    if (x.kind === "account" && resources.length) resources.push("");
    resources.push(...x.comments.map((c) => `  # ${c}`));
    if (x.kind === "account") resources.push(...head(x.name, "ServiceAccount"), `      name: ${yamlString(x.talendName)}`, `      permissions: ${yamlList(x.permissions)}`, "      adoptExisting: true");
    if (x.kind === "grant")
      resources.push(
        ...head(x.name, "WorkspacePermission"),
        `      serviceAccountId: \${${keys.get(x.account)}.clientId}`,
        ...Object.entries(x.where).map(([k, v]) => `      ${k}: ${yamlString(v)}`),
        `      permissions: ${yamlList(x.permissions)}`,
        "      adoptExisting: true",
      );
  }
  const hasResources = d.declarations.some((x) => x.kind !== "note");
  return `${d.header.map((c) => `# ${c}`).join("\n")}\n${projectHead(project, "yaml")}resources:${hasResources ? "" : " {}"}\n${resources.join("\n")}${resources.length ? "\n" : ""}`;
}

/** The program for an inventory in `language`; `project` names a YAML program's project (it is its Pulumi.yaml). */
export function renderProgram(inv: Inventory, opts: { language?: Language; project?: string } = {}): { program: string; accounts: number; grants: number; skipped: string[] } {
  const d = declare(inv);
  const program = opts.language === "yaml" ? renderYaml(d, opts.project ?? "talend-tenant") : renderTypeScript(d);
  return { program, accounts: d.accounts, grants: d.grants, skipped: d.skipped };
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
  language: z.enum(LANGUAGES),
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
        language: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new TalendError({ kind: "config", message: (e as Error).message.split("\n")[0] ?? "bad arguments", hint: "run talend-import --help for the flags" });
  }
  if (values.help) return "help";
  const empty = (["region", "endpoint", "token", "environment", "language", "out"] as const).find((k) => values[k] === "") ?? (values.name?.includes("") ? "name" : undefined);
  if (empty) throw new TalendError({ kind: "config", message: `--${empty} is empty`, hint: `give --${empty} a value, or leave it out` });
  const language = LANGUAGES.find((l) => l === (values.language ?? "typescript"));
  if (!language) throw new TalendError({ kind: "config", message: `--language is ${str(values.language ?? "")}`, hint: `pass --language ${LANGUAGES.join(" or --language ")}` });
  if (values.force && !values.out) throw new TalendError({ kind: "config", message: "--force without --out", hint: `--force only allows overwriting DIR/${PROGRAM_FILE[language]}` });
  return { settings: { region: values.region, endpoint: values.endpoint, token: values.token }, filters: { names: values.name ?? [], environment: values.environment }, language, out: values.out, force: values.force ?? false };
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

/** The file the program goes to, per language: a YAML program is its project's Pulumi.yaml. */
const PROGRAM_FILE: Record<Language, string> = { typescript: "index.ts", yaml: "Pulumi.yaml" };

/** The Pulumi project's name: its directory's, sanitised. */
const projectName = (dir: string) => sanitize(basename(resolve(dir)));

/** Files written next to the program when absent, so that the directory is a ready Pulumi project. */
function projectFiles(dir: string, language: Language): Record<string, string> {
  // dist/cli/ → the package root, whether run from a clone or from node_modules.
  const ours = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  const project = projectName(dir);
  // YAML needs the package too: `npm install` puts its plugin (pulumi-resource-talend) in node_modules/.bin.
  const dependencies = { "@pulumi/pulumi": ours.peerDependencies["@pulumi/pulumi"], "pulumi-talend": `^${ours.version}`, ...(language === "typescript" ? { typescript: ours.devDependencies.typescript } : {}) };
  return {
    ...(language === "typescript" ? { "Pulumi.yaml": projectHead(project, language) } : {}),
    "package.json": `${JSON.stringify({ name: project, private: true, dependencies }, null, 2)}\n`,
  };
}

export async function runImport(argv: string[], env: NodeJS.ProcessEnv, io: { out(s: string): void; err(s: string): void }): Promise<number> {
  const opts = parseFlags(argv);
  if (opts === "help") {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const settings = settingsFrom(opts.settings, env);
  const programFile = PROGRAM_FILE[opts.language];
  const programPath = opts.out ? join(opts.out, programFile) : undefined;
  if (programPath && existsSync(programPath) && !opts.force) throw new TalendError({ kind: "config", message: `${programPath} exists`, hint: `choose an empty directory, or pass --force to overwrite ${programFile}` });
  const client = new TalendClient({ endpoint: settings.baseUrl, credentials: { token: settings.token }, tokenCache: new TokenCache(), retry: { maxAttempts: 3 } });
  try {
    const rendered = renderProgram(await readTenant(client, opts.filters), { language: opts.language, project: projectName(opts.out ?? ".") });
    const summary = `talend-import: ${rendered.accounts} service accounts, ${rendered.grants} workspace grants${rendered.skipped.length ? `, ${rendered.skipped.length} not imported (see the comments)` : ""}`;
    if (!opts.out) {
      io.out(rendered.program);
      io.err(`${summary}\n`);
      return 0;
    }
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(programPath as string, rendered.program);
    const added = Object.entries(projectFiles(opts.out, opts.language)).filter(([name]) => !existsSync(join(opts.out as string, name)));
    for (const [name, text] of added) writeFileSync(join(opts.out, name), text);
    io.out(`${summary} → ${[programPath, ...added.map(([n]) => join(opts.out as string, n))].join(", ")}\nnext: cd ${opts.out} && npm install && pulumi stack init && pulumi up   (adopts; changes nothing in Talend)\n`);
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
