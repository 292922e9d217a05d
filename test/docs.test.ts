import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { generate } from "../tools/gen-docs";
import { repoRoot } from "../tools/repo-root";

test("docs/reference.md is generated from the code and up to date (run `npm run docs`)", () => {
  assert.equal(readFileSync(join(repoRoot(), "docs", "reference.md"), "utf8"), generate());
});

test("the reference documents every resource, its secrets and its replacement rules", () => {
  const doc = generate();
  for (const type of ["ServiceAccount", "WorkspacePermission", "TaskExecution"]) assert.match(doc, new RegExp(`## ${type}`));
  assert.match(doc, /\| `clientSecret` \| string \\\| undefined \| yes \|/);
  assert.match(doc, /\| `rotateSecret` \| string \|  \| replace \|/);
  assert.match(doc, /\| `triggers` \| any \|  \| replace \|/);
});
