import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { type Inventory, globToRegExp, renderProgram, sanitize, uniqueNames } from "../../cli/talend-import";
import { type TalendEmulator, defaultSeed, startEmulator } from "../../emulator";
import { PulumiStack, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const BIN = join(__dirname, "..", "..", "cli", "talend-import.js");
const ADMIN = "emulator-admin-pat";
const ACCOUNTS_ONLY = "accounts-only-pat";

/** Accounts with grants in two environments that both have a workspace "ops"; two names collide once sanitised. */
function seed() {
  const s = defaultSeed();
  s.users.push({ id: "user-accounts-only", login: "accounts@example.com", pat: ACCOUNTS_ONLY, permissions: ["TMC_SERVICE_ACCOUNT_MANAGEMENT"], workspaces: {} });
  s.serviceAccounts = [
    { name: "ci-runner", permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"], workspaces: { "development/ops": ["EXECUTE"], "production/ops": ["EXECUTE", "VIEW"] } },
    { name: "CI Runner", permissions: ["TMC_OPERATOR"], workspaces: { "production/ops": ["VIEW"] } },
    { name: "etl-loader", permissions: [], workspaces: { "development/analytics": ["AUTHOR", "EXECUTE"] } },
    { name: "reporting", permissions: ["AUDIT_LOGS_VIEW"] },
  ];
  return s;
}

let emu: TalendEmulator;
let empty: TalendEmulator;
const dirs: string[] = [];
before(async () => {
  emu = await startEmulator({ seed: seed() });
  empty = await startEmulator();
});
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await emu.close();
  await empty.close();
});

/** The built binary as a child process, with a clean environment apart from what is given. */
async function importCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TALEND_")));
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

// YAML 1.2, as the YAML language host reads it; @pulumi/pulumi's own dependency (no types shipped).
const { load: parseYaml } = require("js-yaml") as { load(text: string): unknown };
type YamlProgram = { name: string; runtime: string; plugins: { providers: Array<{ name: string; path: string }> }; resources: Record<string, { type: string; name?: string; properties: Record<string, unknown> }> };

const mutating = (e: TalendEmulator) => e.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token");

test("names: sanitised, stable, collisions kept apart by a hash of the Talend name", () => {
  assert.equal(sanitize("CI Runner"), "ci-runner");
  assert.equal(sanitize("  Équipe/ETL__prod  "), "equipe-etl-prod");
  assert.equal(sanitize("***"), "unnamed");
  const items = [{ identity: "CI Runner", base: "ci-runner" }, { identity: "ci-runner", base: "ci-runner" }, { identity: "ci_runner", base: "ci-runner" }, { identity: "etl", base: "etl" }];
  const { names, collisions } = uniqueNames(items);
  assert.equal(names.get("ci-runner"), "ci-runner", "the one whose name already is the sanitised form keeps it");
  assert.match(names.get("CI Runner")!, /^ci-runner-[0-9a-f]{6}$/);
  assert.match(names.get("ci_runner")!, /^ci-runner-[0-9a-f]{6}$/);
  assert.equal(new Set(names.values()).size, 4, "all kept, all distinct");
  assert.deepEqual(collisions, [["CI Runner", "ci-runner", "ci_runner"]]);
  assert.deepEqual(uniqueNames([...items].reverse()).names, names, "independent of list order");
  assert.equal(uniqueNames([{ identity: "CI Runner", base: "ci-runner" }]).names.get("CI Runner"), "ci-runner", "no collision, no suffix");
  assert.ok(globToRegExp("ci-*").test("ci-runner") && !globToRegExp("ci-*").test("my-ci-runner") && globToRegExp("a?c").test("abc") && globToRegExp("a.c").test("a.c") && !globToRegExp("a.c").test("abc"));
});

test("the program: what the provider would refuse is a comment, not a declaration; grants by name unless ambiguous", () => {
  const inv: Inventory = {
    source: "http://tenant",
    filters: { names: [] },
    accounts: [
      { id: "a1", name: "ok", permissions: ["TMC_ENGINE_USE", "TMC_ENGINE_USE"], grants: [{ environment: "prod", workspace: "ops", permissions: ["VIEW", "EXECUTE"] }, { environment: "prod", workspace: "dup", workspaceId: "w9", note: "several workspaces are named", permissions: ["VIEW"] }, { environment: "prod", workspace: "x", permissions: [] }] },
      { id: "a2", name: "bad/name", permissions: [], grants: [] },
      { id: "a3", name: " padded ", permissions: [], grants: [] },
      { id: "a4", name: "new", permissions: [], grants: [] },
    ],
  };
  const r = renderProgram(inv);
  assert.equal(r.accounts, 2);
  assert.equal(r.grants, 2);
  assert.match(r.program, /\/\/ Not imported: account "bad\/name" \(a2\): name must not contain control characters or slashes/);
  assert.match(r.program, /\/\/ Not imported: account " padded " \(a3\): name has leading or trailing spaces/);
  assert.match(r.program, /\/\/ Not imported: "ok" on "prod\/x" holds \[\]: must name at least one/);
  assert.match(r.program, /const ok = new talend.ServiceAccount\("ok", \{\n  name: "ok",\n  permissions: \["TMC_ENGINE_USE"\],\n  adoptExisting: true,\n\}\);/);
  assert.match(r.program, /const accountNew = new talend.ServiceAccount\("new"/, "a reserved word is not an identifier");
  assert.match(r.program, /new talend.WorkspacePermission\("ok.prod.ops", \{\n  serviceAccountId: ok.clientId,\n  workspace: "ops",\n  environment: "prod",\n  permissions: \["EXECUTE", "VIEW"\],\n  adoptExisting: true,\n\}\);/);
  assert.match(r.program, /\/\/ several workspaces are named\nnew talend.WorkspacePermission\("ok.prod.dup", \{\n  serviceAccountId: ok.clientId,\n  workspaceId: "w9",/);
  assert.match(r.program, /its secret cannot be recovered[^\n]*\n\/\/ To rotate to a secret managed here, replace `adoptExisting: true` with `rotateSecret: "1"`/);
  assert.equal(renderProgram(inv).program, r.program, "deterministic");
});

test("the YAML program: the same declarations as TypeScript, the plugin's types, grants referencing their accounts", () => {
  const inv: Inventory = {
    source: "http://tenant",
    filters: { names: ["*"], environment: "prod" },
    accounts: [
      { id: "a1", name: "ok", permissions: ["TMC_ENGINE_USE", "TMC_ENGINE_USE"], grants: [{ environment: "prod", workspace: "ops", permissions: ["VIEW", "EXECUTE"] }, { environment: "prod", workspace: "dup", workspaceId: "w9", note: "several workspaces are named", permissions: ["VIEW"] }, { environment: "prod", workspace: "x", permissions: [] }] },
      { id: "a2", name: "bad/name", permissions: [], grants: [] },
      { id: "a3", name: "CI Runner", permissions: ["TMC_OPERATOR"], grants: [{ environment: "prod", workspace: "ops", permissions: ["VIEW"] }] },
      { id: "a4", name: "ci-runner", permissions: [], grants: [] },
      { id: "a5", name: "Pulumi", permissions: [], grants: [{ environment: "prod", workspace: "costs ${month}", permissions: ["AUTHOR"] }] },
      { id: "a6", name: "123", permissions: [], grants: [] },
      { id: "a7", name: "yes", permissions: [], grants: [] },
    ],
  };
  const r = renderProgram(inv, { language: "yaml", project: "tenant" });
  const ts = renderProgram(inv);
  assert.deepEqual([r.accounts, r.grants, r.skipped], [ts.accounts, ts.grants, ts.skipped], "one inventory: the same counts and skips");
  const doc = parseYaml(r.program) as YamlProgram;
  assert.equal(doc.name, "tenant");
  assert.equal(doc.runtime, "yaml");
  assert.deepEqual(doc.plugins.providers, [{ name: "talend", path: "./node_modules/.bin" }]);
  const named = Object.entries(doc.resources).map(([key, x]) => [x.name ?? key, x] as const);
  assert.deepEqual(named.map(([n]) => n).sort(), [...ts.program.matchAll(/new talend\.\w+\("([^"]+)"/g)].map((m) => m[1]).sort(), "the same resource names as the TypeScript program");
  const byName = new Map(named);
  const collided = named.find(([, x]) => x.properties.name === "CI Runner")![0];
  assert.match(collided, /^ci-runner-[0-9a-f]{6}$/, "names sanitised, collisions kept apart");
  assert.deepEqual(byName.get("ok"), { type: "talend:index:ServiceAccount", properties: { name: "ok", permissions: ["TMC_ENGINE_USE"], adoptExisting: true } });
  assert.deepEqual(byName.get("ok.prod.ops"), { type: "talend:index:WorkspacePermission", properties: { serviceAccountId: "${ok.clientId}", workspace: "ops", environment: "prod", permissions: ["EXECUTE", "VIEW"], adoptExisting: true } });
  assert.deepEqual(byName.get("ok.prod.dup")?.properties, { serviceAccountId: "${ok.clientId}", workspaceId: "w9", permissions: ["VIEW"], adoptExisting: true }, "by id where the names are ambiguous");
  assert.equal(byName.get(`${collided}.prod.ops`)?.properties.serviceAccountId, `\${${collided}.clientId}`);
  // Every reference names a ServiceAccount declared under that key (the YAML host resolves `${key.clientId}` by key).
  for (const [, x] of named.filter(([, x]) => x.type === "talend:index:WorkspacePermission")) {
    const key = /^\$\{([^.}]+)\.clientId\}$/.exec(String(x.properties.serviceAccountId))?.[1];
    assert.equal(doc.resources[key ?? ""]?.type, "talend:index:ServiceAccount", `${x.properties.serviceAccountId} names an account`);
  }
  // "pulumi" is the YAML host's own variable: the key differs, the resource name stays (as in TypeScript).
  assert.deepEqual(doc.resources["account-pulumi"], { type: "talend:index:ServiceAccount", name: "pulumi", properties: { name: "Pulumi", permissions: [], adoptExisting: true } });
  assert.equal(byName.get("pulumi.prod.costs-month")?.properties.serviceAccountId, "${account-pulumi.clientId}");
  assert.equal(byName.get("pulumi.prod.costs-month")?.properties.workspace, "costs $${month}", "a literal $ is doubled, so the YAML host does not interpolate it");
  assert.equal(byName.get("123")?.properties.name, "123", "a numeric name stays a string key");
  assert.equal(byName.get("yes")?.properties.name, "yes");
  assert.match(r.program, /^# Not imported: account "bad\/name" \(a2\): name must not contain control characters or slashes/m);
  assert.match(r.program, /^ {2}# Not imported: "ok" on "prod\/x" holds \[\]: must name at least one/m);
  assert.match(r.program, /^# Accounts are tenant-wide: keep each in one stack only/m);
  assert.match(r.program, /^# Generated by talend-import from http:\/\/tenant \(accounts matching "\*", environment "prod"\)\.$/m);
  assert.match(r.program, /^ {2}# To rotate to a secret managed here, replace `adoptExisting: true` with `rotateSecret: "1"`/m);
  assert.equal(renderProgram(inv, { language: "yaml", project: "tenant" }).program, r.program, "deterministic");
  const none = parseYaml(renderProgram({ ...inv, accounts: [inv.accounts[1]!] }, { language: "yaml" }).program) as YamlProgram;
  assert.deepEqual(none.resources, {}, "nothing declarable is still a valid program");
});

test("bad input: one line with the fix, exit code ≠ 0, no stack trace", async (t) => {
  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    ["unknown flag", ["--endpoint", emu.url, "--token", ADMIN, "--bogus"], {}, 2, /Unknown option '--bogus' — run talend-import --help/],
    ["unknown language", ["--endpoint", emu.url, "--token", ADMIN, "--language", "python"], {}, 2, /--language is "python" — pass --language typescript or --language yaml/],
    ["no token", ["--endpoint", emu.url], {}, 2, /--token is not set — pass --token <personal access token> \(or export TALEND_TOKEN\)/],
    ["bad region", ["--region", "mars"], { TALEND_TOKEN: ADMIN }, 2, /--region is "mars" — pass --region eu\|us\|us-west\|ap\|au/],
    ["no permission to list accounts", ["--endpoint", emu.url, "--token", "emulator-viewer-pat"], {}, 1, /may not list service accounts \(403\) — give the PAT's user "Service Account - Manage" \(TMC_SERVICE_ACCOUNT_MANAGEMENT\)/],
    ["no permission to read grants", ["--endpoint", emu.url, "--token", ACCOUNTS_ONLY], {}, 1, /may not read workspace permissions \(403\) — give the PAT's user "Users - Manage" \(TMC_USER_MANAGEMENT\)/],
    ["empty tenant", ["--endpoint", empty.url, "--token", ADMIN], {}, 1, /nothing to import: the tenant has no service accounts — check --endpoint/],
    ["nothing matched --name", ["--endpoint", emu.url, "--token", ADMIN, "--name", "x*"], {}, 1, /no service account matches --name "x\*" — .*accounts: CI Runner, ci-runner, etl-loader, reporting/],
    ["unknown --environment", ["--endpoint", emu.url, "--token", ADMIN, "--environment", "staging"], {}, 1, /no environment named "staging" found — names visible to these credentials: development, production/],
    ["nothing in --environment", ["--endpoint", emu.url, "--token", ADMIN, "--name", "reporting", "--environment", "production"], {}, 1, /no matching service account holds permissions in environment "production" — drop --environment/],
  ];
  for (const [name, args, env, code, pattern] of cases) {
    await t.test(name, async () => {
      const r = await importCli(args, env);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stdout, "", "no program on failure");
      assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, /^talend-import: /);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at |emulator-admin-pat|accounts-only-pat/, "no stack trace, no token");
    });
  }
});

test("filters: --name globs and --environment keep what they say, settings from the environment", async () => {
  const r = await importCli(["--name", "ci-*", "--name", "etl-?oader", "--environment", "production"], { TALEND_ENDPOINT: emu.url, TALEND_TOKEN: ADMIN });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^talend-import: 1 service accounts, 1 workspace grants\n$/, "etl-loader holds nothing in production; CI Runner does not match ci-*");
  assert.match(r.stdout, /new talend.WorkspacePermission\("ci-runner.production.ops"/);
  assert.doesNotMatch(r.stdout, /development|etl-loader|"CI Runner"/);
  assert.equal(mutating(emu).length, 0, "reading sends nothing that changes anything");
});

test("--language yaml: filters as for TypeScript; --out writes Pulumi.yaml (the program) and package.json, never over a program", async () => {
  const r = await importCli(["--name", "ci-*", "--name", "etl-?oader", "--environment", "production", "--language", "yaml"], { TALEND_ENDPOINT: emu.url, TALEND_TOKEN: ADMIN });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^talend-import: 1 service accounts, 1 workspace grants\n$/);
  const doc = parseYaml(r.stdout) as YamlProgram;
  assert.deepEqual(Object.keys(doc.resources), ["ci-runner", "ci-runner.production.ops"]);
  assert.deepEqual(doc.resources["ci-runner.production.ops"]?.properties, { serviceAccountId: "${ci-runner.clientId}", workspace: "ops", environment: "production", permissions: ["EXECUTE", "VIEW"], adoptExisting: true });

  const out = mkdtempSync(join(tmpdir(), "talend-import-yaml-"));
  dirs.push(out);
  const w = await importCli(["--endpoint", emu.url, "--token", ADMIN, "--language", "yaml", "--out", out]);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /4 service accounts, 4 workspace grants → .*\/Pulumi\.yaml, .*\/package\.json\nnext: cd /);
  assert.ok(!existsSync(join(out, "index.ts")), "no TypeScript in a YAML project");
  assert.equal((parseYaml(readFileSync(join(out, "Pulumi.yaml"), "utf8")) as YamlProgram).name, out.split("/").pop()!.toLowerCase().replace(/[^a-z0-9]+/g, "-"));
  const deps = JSON.parse(readFileSync(join(out, "package.json"), "utf8")).dependencies;
  assert.deepEqual(Object.keys(deps).sort(), ["@pulumi/pulumi", "pulumi-talend"], "the plugin's package and its peer, no TypeScript");
  const again = await importCli(["--endpoint", emu.url, "--token", ADMIN, "--language", "yaml", "--out", out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /Pulumi\.yaml exists — choose an empty directory, or pass --force to overwrite Pulumi\.yaml/);
  writeFileSync(join(out, "package.json"), "{}");
  const forced = await importCli(["--endpoint", emu.url, "--token", ADMIN, "--language", "yaml", "--out", out, "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(join(out, "package.json"), "utf8"), "{}", "--force overwrites the program only");
  assert.equal(mutating(emu).length, 0);
});

test("real CLI: import → up adopts with 0 mutating requests → preview no changes → refresh no drift → one edited grant is one PUT", { skip, timeout: 420_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), "talend-import-"));
  dirs.push(out);
  let program = "";
  await t.test("import writes a ready project", async () => {
    const r = await importCli(["--endpoint", emu.url, "--token", ADMIN, "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 service accounts, 4 workspace grants/);
    program = readFileSync(join(out, "index.ts"), "utf8");
    assert.match(readFileSync(join(out, "Pulumi.yaml"), "utf8"), /runtime: nodejs/);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(out, "package.json"), "utf8")).dependencies).sort(), ["@pulumi/pulumi", "pulumi-talend", "typescript"]);
    for (const name of ["ci-runner.development.ops", "ci-runner.production.ops", "etl-loader.development.analytics"]) assert.ok(program.includes(`WorkspacePermission("${name}"`), name);
    assert.match(program, /ServiceAccount\("ci-runner-[0-9a-f]{6}", \{\n  name: "CI Runner"/, "the colliding name is kept, disambiguated");
    assert.match(program, /Names that collide once sanitised, kept apart: "CI Runner" as "ci-runner-[0-9a-f]{6}", "ci-runner" as "ci-runner"/);
    const again = await importCli(["--endpoint", emu.url, "--token", ADMIN, "--out", out]);
    assert.equal(again.code, 2, "an existing index.ts is not overwritten without --force");
  });

  const stack = await PulumiStack.create({ program, config: { "talend:endpoint": emu.url }, secrets: { "talend:token": ADMIN } });
  try {
    const before = emu.state();
    await t.test("up adopts everything and sends no mutating request", async () => {
      emu.clearRequests();
      const r = await stack.up();
      assert.match(r.stdout, /13 created/, r.stdout); // the stack, 4 accounts with an intent each, 4 grants
      assert.deepEqual(mutating(emu).map((x) => `${x.method} ${x.path}`), []);
      const after = emu.state();
      assert.deepEqual(after.serviceAccounts, before.serviceAccounts, "accounts untouched (same ids, dates)");
      assert.deepEqual(after.workspacePermissions, before.workspacePermissions);
    });
    await t.test("preview: no changes", async () => {
      const p = await stack.preview();
      assert.deepEqual(p.changeSummary, { same: 13 }, JSON.stringify(p.changeSummary));
    });
    await t.test("refresh: no drift", async () => {
      // Decrypted: secret outputs are re-encrypted with a fresh nonce on every write.
      const outputs = async () => JSON.parse((await stack.run(["stack", "export", "--show-secrets"])).stdout).deployment.resources.map((r: { urn: string; outputs: unknown }) => [r.urn, r.outputs]);
      const stateBefore = await outputs();
      emu.clearRequests();
      const r = await stack.refresh();
      assert.doesNotMatch(r.stdout, /\(update\)|\bupdated\b|\bdeleted\b/, r.stdout);
      assert.deepEqual(await outputs(), stateBefore);
      assert.deepEqual(mutating(emu), []);
    });
    await t.test("one edited grant: preview shows it, up sends exactly one PUT for that pair", async () => {
      const grant = /(new talend\.WorkspacePermission\("ci-runner\.production\.ops", \{[^}]*permissions: )\["EXECUTE", "VIEW"\]/;
      assert.match(program, grant);
      stack.writeProgram(program.replace(grant, '$1["EXECUTE"]'));
      const p = await stack.preview();
      assert.deepEqual(p.changeSummary, { same: 12, update: 1 });
      assert.match(p.steps.find((s) => s.op === "update")!.urn, /WorkspacePermission::ci-runner\.production\.ops$/);
      emu.clearRequests();
      await stack.up();
      const sa = emu.state().serviceAccounts.find((a) => a.name === "ci-runner")!;
      const ws = emu.state().workspaces.find((w) => w.name === "ops" && w.environmentId === emu.state().environments.find((e) => e.name === "production")!.id)!;
      assert.deepEqual(mutating(emu).map((x) => `${x.method} ${x.path}`), [`PUT /security/workspaces/${ws.id}/service-accounts/${sa.id}/permissions`]);
      assert.deepEqual(emu.state().workspacePermissions.find((g) => g.workspaceId === ws.id && g.serviceAccountId === sa.id)?.permissions, ["EXECUTE"]);
    });
    await t.test("the rotation comment is true: the one-line change yields a managed secret, grants follow", async () => {
      const current = readFileSync(join(stack.dir, "index.ts"), "utf8");
      const block = /(new talend\.ServiceAccount\("etl-loader", \{[^}]*)adoptExisting: true,/;
      stack.writeProgram(`${current.replace(block, '$1rotateSecret: "1",')}\nexport const etlSecret = etlLoader.clientSecret;\n`);
      const oldId = emu.state().serviceAccounts.find((a) => a.name === "etl-loader")!.id;
      await stack.up();
      const rotated = emu.state().serviceAccounts.find((a) => a.name === "etl-loader")!;
      assert.notEqual(rotated.id, oldId);
      assert.equal((await stack.outputs(true)).etlSecret, rotated.secret);
      assert.deepEqual(emu.state().workspacePermissions.filter((g) => g.serviceAccountId === rotated.id).map((g) => g.permissions), [["AUTHOR", "EXECUTE"]]);
    });
  } finally {
    stack.dispose();
  }
});
