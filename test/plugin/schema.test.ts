import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { SCHEMA_FILE, generateSchema } from "../../tools/gen-schema";

// The plugin's schema is generated from the zod schemas and the doc comments docs/reference.md is made of.
test("the committed provider/plugin/schema.json equals a fresh generation (npm run schema)", () => {
  assert.equal(readFileSync(SCHEMA_FILE, "utf8"), generateSchema(), "provider/plugin/schema.json is stale: run npm run schema");
});

test("the schema marks secrets and serves the resources and functions of the TypeScript API", () => {
  const schema = JSON.parse(generateSchema());
  assert.equal(schema.config.variables.token.secret, true);
  assert.deepEqual(Object.keys(schema.config.variables).sort(), ["endpoint", "region", "tasksAndPlansEditPermission", "token"]);
  assert.equal(schema.resources["talend:index:ServiceAccount"].properties.clientSecret.secret, true);
  assert.equal(schema.resources["talend:index:TaskExecution"].inputProperties.clientSecret.secret, true);
  assert.deepEqual(Object.keys(schema.resources).sort(), ["talend:index:ServiceAccount", "talend:index:ServiceAccountResource", "talend:index:TaskExecution", "talend:index:TaskExecutionResource", "talend:index:TaskRunner", "talend:index:WorkspacePermission"]);
  assert.equal(schema.resources["talend:index:ServiceAccount"].isComponent, true);
  assert.equal(schema.resources["talend:index:ServiceAccountResource"].isComponent, undefined);
  assert.equal(schema.resources["talend:index:ServiceAccountResource"].properties.clientSecret.secret, true);
  assert.deepEqual(Object.keys(schema.functions).sort(), ["talend:index:getEnvironment", "talend:index:getPermissionCatalog", "talend:index:getTask", "talend:index:getWorkspace"]);
  for (const hidden of ["intentAt", "intentId", "intentUrn", "suffix"]) assert.ok(!(hidden in schema.resources["talend:index:TaskExecution"].inputProperties), hidden);
  // The descriptions are the doc comments docs/reference.md shows.
  const reference = readFileSync(SCHEMA_FILE.replace(/provider\/plugin\/schema\.json$/, "docs/reference.md"), "utf8");
  assert.ok(reference.includes(schema.resources["talend:index:ServiceAccount"].inputProperties.rotateSecret.description));
  assert.equal(schema.language.go.respectSchemaVersion, true);
});

test("TaskRunner: the TypeScript class's inputs and outputs, its run typed as a TaskExecution without credentials", () => {
  const runner = JSON.parse(generateSchema()).resources["talend:index:TaskRunner"];
  const types = JSON.parse(generateSchema()).types;
  assert.equal(runner.isComponent, true);
  assert.deepEqual(Object.keys(runner.inputProperties), ["name", "workspaces", "operator", "extraPermissions", "rotateSecret", "uniqueSuffix", "run"]);
  assert.deepEqual(runner.requiredInputs, ["name", "workspaces"]);
  assert.deepEqual(Object.keys(runner.properties).sort(), ["clientId", "clientSecret", "executionId", "status"]);
  assert.equal(runner.properties.clientSecret.secret, true);
  assert.equal(runner.inputProperties.workspaces.items.$ref, "#/types/talend:index:TaskRunnerWorkspace");
  assert.deepEqual(Object.keys(types["talend:index:TaskRunnerWorkspace"].properties), ["workspaceId", "workspace", "environment", "permissions"]);
  const run = types["talend:index:TaskRunnerRun"].properties;
  const execution = JSON.parse(generateSchema()).resources["talend:index:TaskExecution"].inputProperties;
  assert.deepEqual(Object.keys(run), Object.keys(execution).filter((k) => k !== "clientId" && k !== "clientSecret"));
  // Each field of the run is described as the TaskExecution input it is.
  for (const [k, p] of Object.entries(run)) assert.equal((p as { description: string }).description, execution[k].description, k);
});
