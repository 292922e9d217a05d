import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { test } from "node:test";
import { BenchResultsSchema, benchmarkDoc, formatRatio, formatSeconds } from "../bench/report";
import { generate, generateBenchmark } from "../tools/gen-docs";
import { repoRoot } from "../tools/repo-root";

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), "utf8");
/** The pages a reader can reach: the README, the changelog and every page under docs/. */
const PAGES = ["README.md", "CHANGELOG.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** Markdown without fenced code blocks and code spans: what is left are headings and links as rendered. */
const prose = (markdown: string) => markdown.replace(/^```[^]*?^```/gm, "").replace(/`[^`\n]*`/g, "");

/** GitHub's anchors for a page's headings ("## Crash safety: state is the only memory" → crash-safety-state-is-the-only-memory). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[^]*?^```/gm, "").matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The repository-relative links of a page: [text](target#anchor), resolved against the page's directory. */
function links(page: string): { target: string; anchor?: string }[] {
  return [...prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, href]) => href!)
    .filter((href) => !/^[a-z]+:/i.test(href))
    .map((href) => {
      const [path, anchor] = href.split("#");
      return { target: path ? normalize(join(dirname(page), path)) : page, anchor };
    });
}

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
  const floor = bench.noopProviderFloor.find((f) => f.k === 100)!;
  const empty = k100.empty.preview.seconds;
  const row = (preview: number) => `| 100 | ${k100.resources} | ${formatSeconds(preview)} (${formatRatio(preview / empty)} of ${formatSeconds(empty)})`;
  assert.ok(benchmarkDoc(bench).includes(row(k100.preview.seconds)), "the K = 100 row as measured");
  // Figures changed in the results change the page: nothing on it is written by hand.
  k100.preview.seconds = 123.4;
  k100.state.providerBytes = 4321;
  const page = benchmarkDoc(bench);
  assert.ok(page.includes(row(123.4)), "the time table");
  assert.ok(page.includes(`| 4321 B | ${k100.providerRssMb} MB |`), "the size table");
  assert.match(page, new RegExp(`${formatRatio(123.4 / floor.preview).replace(".", "\\.")}\\s+\\(K = 100\\)`), "the prose's ratio to the do-nothing provider");
});

test("the README is a front page: at most 300 lines, the two commands first", () => {
  const readme = read("README.md");
  assert.ok(readme.split("\n").length <= 300, `README.md has ${readme.split("\n").length} lines; move detail into docs/ and link it`);
  const commands = /```bash\n([^]*?)```/.exec(readme)?.[1] ?? "";
  assert.match(commands, /^npm ci && npm run bootstrap +# /m);
  assert.match(commands, /^npm test +# /m);
  const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
  assert.ok(scripts.bootstrap && scripts.test);
});

test("every repository link of the README, the changelog and docs/ points at a file and heading that exist", () => {
  const broken: string[] = [];
  for (const page of PAGES) {
    for (const { target, anchor } of links(page)) {
      if (!existsSync(join(root, target))) broken.push(`${page} → ${target}`);
      else if (anchor && target.endsWith(".md") && !anchors(read(target)).has(anchor)) broken.push(`${page} → ${target}#${anchor}`);
    }
  }
  assert.deepEqual(broken, []);
});

test("every page under docs/ and the changelog are reachable from the README by links", () => {
  const reached = new Set(["README.md"]);
  for (let queue = ["README.md"]; queue.length; ) {
    for (const { target } of links(queue.shift()!)) {
      if (!target.endsWith(".md") || !existsSync(join(root, target)) || reached.has(target)) continue;
      reached.add(target);
      queue.push(target);
    }
  }
  assert.deepEqual(PAGES.filter((p) => !reached.has(p)), []);
});

test("the version is one: package.json, package-lock.json and the newest changelog entry", () => {
  const { version } = JSON.parse(read("package.json")) as { version: string };
  const lock = JSON.parse(read("package-lock.json")) as { version: string; packages: Record<string, { version?: string }> };
  assert.equal(lock.version, version);
  assert.equal(lock.packages[""]?.version, version);
  assert.equal(/^## (\S+)/m.exec(read("CHANGELOG.md"))?.[1], version);
});
