import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { TalendClient, TokenCache } from "../../sdk";
import { FakeClock } from "../helpers/fake-clock";
import { json, scriptedServer } from "../helpers/http-server";
import { repoRoot } from "../../tools/repo-root";

const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate"]);
const TIME_MODULES = new Set(["timers", "timers/promises", "perf_hooks"]);
const GLOBALS = new Set(["globalThis", "global", "window"]);

/**
 * Where `source` reads the current time or starts a timer, from its syntax tree (comments and strings do not
 * count; `new Date(x)` with an argument converts a time and is allowed): `Date.now`, `new Date()`, `Date()`,
 * `performance.now`, `process.hrtime`, setTimeout/setInterval/setImmediate, and imports of Node's timer modules.
 */
function timeReads(source: string, file = "source.ts"): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const flag = (node: ts.Node) => found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${node.getText(sf)}`);
  const isName = (node: ts.Expression, ...names: string[]) => ts.isIdentifier(node) && names.includes(node.text);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node)) {
      const { expression: on, name } = node;
      if ((isName(on, "Date") && name.text === "now") || (isName(on, "performance") && name.text === "now") || (isName(on, "process") && name.text === "hrtime")) flag(node);
      if (isName(on, ...GLOBALS) && TIMERS.has(name.text)) flag(node);
    } else if (ts.isNewExpression(node) && isName(node.expression, "Date") && !node.arguments?.length) {
      flag(node);
    } else if (ts.isCallExpression(node) && isName(node.expression, "Date")) {
      flag(node);
    } else if (ts.isIdentifier(node) && TIMERS.has(node.text) && isReference(node)) {
      flag(node);
    } else if (ts.isStringLiteral(node) && TIME_MODULES.has(node.text.replace(/^node:/, "")) && isModuleName(node)) {
      flag(node.parent);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** An identifier that names a global, not a member of something else (`clock.setTimeout`, `{ setTimeout: 1 }`). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p) || ts.isPropertyDeclaration(p)) && p.name === id) return false;
  return !ts.isImportSpecifier(p) && !ts.isQualifiedName(p);
}

/** The module name of an import, export, `require(...)` or `import(...)`. */
function isModuleName(s: ts.StringLiteral): boolean {
  const p = s.parent;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return true;
  return ts.isCallExpression(p) && (p.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(p.expression) && p.expression.text === "require"));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

test("nothing in sdk/ or provider/ reads the current time or starts a timer except sdk/clock.ts", () => {
  const root = repoRoot();
  const files = ["sdk", "provider"].flatMap((d) => sourcesUnder(join(root, d))).filter((f) => relative(root, f) !== join("sdk", "clock.ts"));
  assert.ok(files.length > 20, `found ${files.length} source files`);
  assert.deepEqual(files.flatMap((f) => timeReads(readFileSync(f, "utf8"), relative(root, f))), []);
  assert.ok(timeReads(readFileSync(join(root, "sdk", "clock.ts"), "utf8")).length >= 2, "the clock itself is where time is read");
});

test("the scan finds each way to read the time or start a timer, and only those", () => {
  for (const code of [
    "const t = Date.now();",
    "const now: () => number = Date.now;",
    "const d = new Date();",
    "const d = new Date;",
    "const s = Date();",
    "performance.now();",
    "process.hrtime.bigint();",
    "setTimeout(resolve, 10);",
    "const id = setInterval(tick, 10);",
    "globalThis.setTimeout(resolve, 10);",
    "const wait = setTimeout;",
    'import { setTimeout as sleep } from "node:timers/promises";',
    'import { performance } from "perf_hooks";',
    'const timers = require("timers");',
    'const timers = await import("node:timers/promises");',
  ]) assert.equal(timeReads(code).length, 1, code);
  for (const code of [
    "const d = new Date(ms).toISOString();",
    "const d = new Date(0);",
    "const t = Date.parse(header);",
    "clock.now(); await clock.sleep(5);",
    "// Date.now() and setTimeout in a comment",
    "/* new Date() */ const s = 'setTimeout(f) and Date.now()';",
    "const t = `${Date.name}`;",
    "fake.setTimeout(1); const o = { setTimeout: 1 };",
    "interface Timers { setTimeout(): void }",
  ]) assert.deepEqual(timeReads(code), [], code);
});

const tokenBody = (n: number) => ({ access_token: `clock-tok-${n}-abcdef`, token_type: "Bearer", expires_in: 1800 });

test("a client on a fake clock: its token times, Talend's time, rate limiting and Retry-After all run on it", async () => {
  const talendNow = Date.parse("2030-06-01T12:00:00Z");
  const dated = (status: number, body: unknown, headers: Record<string, string> = {}) => json(status, body, { date: new Date(talendNow).toUTCString(), ...headers });
  const s = await scriptedServer([
    dated(200, tokenBody(1)),
    dated(429, { message: "slow down" }, { "retry-after": "2" }),
    dated(200, ["TMC_ENGINE_USE"]),
  ]);
  // An hour before Talend: nothing may mix this clock with the machine's or with Talend's.
  const clock = new FakeClock(talendNow - 3_600_000);
  const client = new TalendClient({ endpoint: s.url, credentials: { clientId: "sa-1", clientSecret: "clock-secret" }, clock, tokenCache: new TokenCache(60_000, () => clock.now()), rateLimits: { account: 1 } });
  try {
    const token = await client.accessToken();
    assert.deepEqual([token.mintedAt, token.expiresAt], [clock.now(), clock.now() + 1_800_000], "minted on the client's clock");
    await client.serviceAccounts.permissionCatalog(); // a 429, then the answer
    assert.deepEqual(clock.slept, [2_000, 58_000], "Retry-After, then the rest of the rate limiter's minute (one request a minute), on the clock");
    await client.serviceAccounts.permissionCatalog();
    assert.deepEqual(clock.slept, [2_000, 58_000, 60_000], "the next request waits a minute of the clock");
    // Every Date header says `talendNow` (a frozen server): the offset is the largest sample, the first one's.
    assert.equal(await client.serverTime(), talendNow + 120_000, "Talend's time: the clock plus the offset its Date headers showed");
    assert.equal(client.clock, clock);
  } finally {
    await client.close();
    await s.close();
  }
});

test("clients on one clock share a token cache of that clock; it renews by that clock", async () => {
  let mints = 0;
  const s = await scriptedServer([(_req, res) => json(200, tokenBody(++mints))(_req, res)]);
  const clock = new FakeClock(Date.parse("2001-01-01T00:00:00Z"));
  const make = () => new TalendClient({ endpoint: s.url, credentials: { clientId: "sa-2", clientSecret: "shared-clock-secret" }, clock, rateLimits: false });
  const [a, b] = [make(), make()];
  try {
    assert.equal((await a.accessToken()).accessToken, (await b.accessToken()).accessToken, "one mint for both");
    assert.equal(a.tokenCache, b.tokenCache);
    clock.advance(1_800_000 - 60_000 - 1);
    await b.accessToken();
    assert.equal(mints, 1, "still fresh on this clock, whatever the machine's says");
    clock.advance(1);
    await a.accessToken();
    assert.equal(mints, 2, "renewed a minute before it expires on this clock");
    assert.notEqual(new TalendClient({ endpoint: s.url, credentials: { token: "pat-abcdef" } }).tokenCache, a.tokenCache, "the system clock's clients have their own");
  } finally {
    await a.close();
    await b.close();
    await s.close();
  }
});
