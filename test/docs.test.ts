import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BenchResultsSchema, benchmarkDoc } from "../bench/report";
import { generate, generateBenchmark } from "../tools/gen-docs";
import { repoRoot } from "../tools/repo-root";

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), "utf8");

test("docs/reference.md is generated from the code and up to date (run `npm run docs`)", () => {
  assert.equal(read("docs/reference.md"), generate());
});

test("the reference documents every resource, its secrets and its replacement rules", () => {
  const doc = generate();
  for (const type of ["ServiceAccount", "WorkspacePermission", "TaskExecution"]) assert.match(doc, new RegExp(`## ${type}`));
  assert.match(doc, /\| `clientSecret` \| string \\\| undefined \| yes \|/);
  assert.match(doc, /\| `rotateSecret` \| string \|  \| replace \|/);
  assert.match(doc, /\| `triggers` \| any \|  \| replace \|/);
});

test("docs/benchmark.md is generated from bench/results.json and up to date (run `npm run docs`)", () => {
  assert.equal(read("docs/benchmark.md"), generateBenchmark());
});

test("every figure of the benchmark page follows bench/results.json", () => {
  const bench = BenchResultsSchema.parse(JSON.parse(read("bench/results.json")));
  const k100 = bench.results.find((r) => r.k === 100)!;
  assert.match(benchmarkDoc(bench), /\| 100 \| 303 \| 2\.8 s \(2\.18× of 1\.3 s\)/, "the K = 100 row as measured");
  k100.preview.seconds = 123.4;
  k100.state.providerBytes = 4321;
  const page = benchmarkDoc(bench);
  assert.match(page, /\| 100 \| 303 \| 123\.4 s \(95\.51× of 1\.3 s\)/, "the time table");
  assert.match(page, /\| 4321 B \| 192 MB \|/, "the size table");
  assert.match(page, /45\.79×\s+\(K = 100\)/, "the prose's ratio to the do-nothing provider");
});
