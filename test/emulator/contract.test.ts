// The committed contract (test/contract/talend-api.json) the emulator tests check responses against. Without the
// specs beside the repository it must be well-formed and untouched since generation (its digest); with them, it
// must be byte for byte what `npm run contract` writes, so a hand edit or a spec update fails here either way.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROUTES } from "../../emulator/server";
import { type BodySchema, CONTRACT_FILE, type Contract, contractProblems, contractText, defaultSpecDir, digestOf, generateContract } from "../../tools/gen-contract";
import { repoRoot } from "../../tools/repo-root";
import { contract, specProblems } from "../helpers/openapi";

const committedText = readFileSync(join(repoRoot(), CONTRACT_FILE), "utf8");
const copy = (): Contract => JSON.parse(committedText);
/** A hand edit that also recomputes the digest: only the specs can tell it from a generated contract. */
const redigest = (c: Contract): Contract => ({ ...c, provenance: { ...c.provenance, digest: digestOf(c.provenance.sources, c.endpoints, c.schemas) } });

test("the committed contract is well-formed, untouched since generation, and lists exactly the emulator's routes", () => {
  assert.deepEqual(contractProblems(JSON.parse(committedText)), []);
  assert.equal(Object.keys(contract().endpoints).length, new Set(ROUTES.map((r) => `${r.method} ${r.pattern}`)).size);
  for (const s of contract().provenance.sources) assert.equal(s.version, "2021-03", `${s.file} is the API version the emulator speaks`);
});

test("the committed contract is what `npm run contract` makes of the official specs, when they are beside the repository", (t) => {
  const specDir = defaultSpecDir();
  if (!existsSync(specDir)) {
    // Not a skip: the test above still holds the contract to its digest; only the comparison with the specs waits.
    t.diagnostic(`no specs at ${specDir}: the contract was checked against its digest, not regenerated`);
    return;
  }
  const fresh = contractText(generateContract(specDir, contract().provenance.generated));
  assert.ok(committedText === fresh, `${CONTRACT_FILE} differs from a fresh generation from ${specDir}: run \`npm run contract\` and commit the result`);
});

test("a contract edited by hand fails: without the specs by its digest, with them by the comparison", () => {
  const edited = copy();
  edited.schemas["talend-service-accounts-openapi.json"]!.ServiceAccount!.required = ["id"];
  assert.match(contractProblems(edited).join("\n"), /edited by hand/);
  // Re-digested, only a fresh generation catches it: the comparison above is on the whole text.
  assert.deepEqual(contractProblems(redigest(edited)), []);
  assert.notEqual(contractText(redigest(edited)), committedText);
});

test("a contract out of step with the emulator's routes, or with dangling or unused schemas, is not well-formed", () => {
  const missing = copy();
  delete missing.endpoints["GET /orchestration/environments"];
  assert.match(contractProblems(redigest(missing)).join("\n"), /the emulator serves GET \/orchestration\/environments, which the contract lacks/);
  const extra = copy();
  extra.endpoints["GET /orchestration/plans"] = { spec: "talend-orchestration-openapi.json", responses: { "204": null } };
  assert.match(contractProblems(redigest(extra)).join("\n"), /lists GET \/orchestration\/plans, which the emulator does not serve/);
  const dangling = copy();
  dangling.endpoints["GET /orchestration/environments"]!.responses["200"] = { $ref: "Nope" };
  assert.match(contractProblems(redigest(dangling)).join("\n"), /refers to Nope/);
  const unused = copy();
  unused.schemas["talend-oauth-openapi.json"]!.Spare = { type: "string" };
  assert.match(contractProblems(redigest(unused)).join("\n"), /Spare is never referenced/);
  const unknownKeyword = copy() as unknown as { schemas: Record<string, Record<string, Record<string, unknown>>> };
  unknownKeyword.schemas["talend-oauth-openapi.json"]!.TokenResponse!.allOf = [];
  assert.match(contractProblems(unknownKeyword).join("\n"), /allOf/);
});

/** Specs rebuilt from the committed contract, in a temporary directory, for the generator to read back. */
function specsFromContract(c: Contract, edit: (specs: Map<string, any>) => void = () => {}): string {
  const toSpec = (s: BodySchema): unknown => JSON.parse(JSON.stringify(s), (k, v) => (k === "$ref" ? `#/components/schemas/${v}` : v));
  const specs = new Map<string, any>();
  for (const src of c.provenance.sources) {
    specs.set(src.file, { openapi: src.openapi, info: { title: src.title, version: src.version }, paths: {}, components: { schemas: Object.fromEntries(Object.entries(c.schemas[src.file] ?? {}).map(([n, s]) => [n, toSpec(s)])) } });
  }
  for (const [key, e] of Object.entries(c.endpoints)) {
    const [method, path] = key.split(" ") as [string, string];
    const responses = Object.fromEntries(Object.entries(e.responses).map(([status, s]) => [status, s ? { description: "documented", content: { "application/json": { schema: toSpec(s) } } } : { description: "no body" }]));
    (specs.get(e.spec).paths[path] ??= {})[method.toLowerCase()] = { responses };
  }
  edit(specs);
  const dir = mkdtempSync(join(tmpdir(), "talend-specs-"));
  for (const [file, spec] of specs) writeFileSync(join(dir, file), JSON.stringify(spec));
  return dir;
}

test("the generator reads back what it wrote, drops prose, and refuses what the checker cannot check", (t) => {
  const dirs: string[] = [];
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const generate = (edit?: (specs: Map<string, any>) => void) => generateContract(dirs[dirs.push(specsFromContract(contract(), edit)) - 1]!, "2000-01-01");
  const again = generate((specs) => {
    const sa = specs.get("talend-service-accounts-openapi.json");
    sa.components.schemas.ServiceAccount.description = "prose the contract does not carry";
    sa.components.schemas.ServiceAccount["x-talend"] = { internal: true };
    sa.paths["/account/service-accounts/count"].get.responses["401"] = { $ref: "#/components/responses/Unauthorized" };
    sa.components.responses = { Unauthorized: { description: "shared", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } };
  });
  assert.deepEqual([again.endpoints, again.schemas], [contract().endpoints, contract().schemas]);
  assert.deepEqual(contractProblems(again), []);
  assert.throws(() => generate((specs) => (specs.get("talend-oauth-openapi.json").components.schemas.TokenResponse.allOf = [])), /TokenResponse uses "allOf", which the contract and its checker do not carry/);
  assert.throws(() => generate((specs) => delete specs.get("talend-orchestration-openapi.json").paths["/orchestration/environments"]), /the emulator serves GET \/orchestration\/environments, which no spec in .* documents/);
  assert.throws(() => generate((specs) => (specs.get("talend-processing-openapi.json").paths["/processing/executions"].post.responses["201"].content = { "text/plain": {} })), /documents text\/plain, not application\/json/);
});

test("specProblems reports missing required fields, wrong types, values outside an enum, and undocumented statuses", () => {
  const account = { id: "a", name: "n", permissions: [], createdDate: "2024-01-01T00:00:00Z", lastModifiedDate: "2024-01-01T00:00:00.123Z" };
  assert.deepEqual(specProblems("GET", "/account/service-accounts/{id}", 200, account), []);
  assert.deepEqual(specProblems("GET", "/account/service-accounts/{id}", 200, { ...account, name: undefined, permissions: "x", createdDate: "yesterday" }), [
    "body.name is required",
    "body.permissions should be array, is string",
    "body.createdDate is not a date-time: \"yesterday\"",
  ]);
  assert.deepEqual(specProblems("GET", "/orchestration/workspaces", 200, [{ id: "w", name: "n", owner: "o", type: "team", environment: { id: "e", name: "d" } }]).filter((p) => /type/.test(p)), ['body[0].type = "team" is not one of shared, personal, custom']);
  assert.deepEqual(specProblems("GET", "/account/service-accounts/{id}", 418, {}), ["GET /account/service-accounts/{id} does not document status 418"]);
  assert.deepEqual(specProblems("DELETE", "/account/service-accounts/{id}", 204, { unexpected: true }), ['204 documents no body, got {"unexpected":true}']);
  assert.deepEqual(specProblems("GET", "/orchestration/plans", 200, []), ["GET /orchestration/plans is not in the spec"]);
});
