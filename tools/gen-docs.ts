// `npm run docs`: writes docs/reference.md from the code itself — input types, defaults and enums from the zod
// schemas (as JSON Schema), descriptions from their doc comments, outputs and secrets from the resource
// classes, replacement rules from the constants `diff` uses, and errors from the handlers' TalendError calls and
// the ProviderError codes they raise (provider/errors.ts) — and docs/benchmark.md from bench/results.json
// (bench/report.ts). test/docs.test.ts fails when either committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./repo-root";
import { BenchResultsSchema, benchmarkDoc } from "../bench/report";
import ts from "typescript";
import { z } from "zod";
import { PROVIDER_ERRORS, type ProviderErrorCode } from "../provider/errors";
import { CONFIG_KEYS } from "../provider/settings";
import { SERVICE_ACCOUNT_REPLACES, ServiceAccountInputsSchema } from "../provider/service-account";
import { RUN_KEYS, TASK_EXECUTION_REPLACES, TaskExecutionInputsSchema } from "../provider/task-execution";
import { TaskRunnerInputsSchema } from "../provider/task-runner";
import { WORKSPACE_PERMISSION_REPLACES, WorkspacePermissionInputsSchema } from "../provider/workspace-permission";

const repo = repoRoot();
export const HIDDEN = new Set(["suffix", "intentAt", "intentId", "intentUrn"]);

export const RESOURCES = [
  { type: "ServiceAccount", schema: ServiceAccountInputsSchema, files: ["service-account"], replaces: [...SERVICE_ACCOUNT_REPLACES] as string[], rerun: [] as string[] },
  { type: "WorkspacePermission", schema: WorkspacePermissionInputsSchema, files: ["workspace-permission"], replaces: [...WORKSPACE_PERMISSION_REPLACES] as string[], rerun: [] as string[] },
  { type: "TaskExecution", schema: TaskExecutionInputsSchema, files: ["task-execution", "run-diagnosis"], replaces: [...TASK_EXECUTION_REPLACES] as string[], rerun: [...RUN_KEYS] as string[] },
];

/**
 * The components whose inputs are their own (TaskRunner): nested object types are described by the doc comments of
 * the file their schema comes from; outputs passed on from a resource keep its secrets (`secretsOf`).
 */
export const COMPONENTS = [
  {
    type: "TaskRunner",
    schema: TaskRunnerInputsSchema,
    file: "task-runner",
    nested: { workspaces: { type: "TaskRunnerWorkspace", file: "task-runner" }, run: { type: "TaskRunnerRun", file: "task-execution" } } as Record<string, { type: string; file: string }>,
    secretsOf: "service-account",
  },
];

export function source(name: string): ts.SourceFile {
  const file = join(repo, "provider", `${name}.ts`);
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
}

export function docOf(node: ts.Node): string {
  const text = node.getSourceFile().getFullText();
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  return ranges
    .map((r) => text.slice(r.pos, r.end))
    .filter((c) => c.startsWith("/**"))
    .map((c) => c.replace(/^\/\*\*|\*\/$/g, "").split("\n").map((l) => l.replace(/^\s*\* ?/, "").trim()).filter(Boolean).join(" "))
    .join(" ");
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

/** Doc comments of the properties of the first `z.object({...})` literal in a file. */
export function inputDocs(file: ts.SourceFile): Map<string, string> {
  const docs = new Map<string, string>();
  walk(file, (n) => {
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && ts.isObjectLiteralExpression(n.parent) && !docs.has(n.name.text)) docs.set(n.name.text, docOf(n));
  });
  return docs;
}

export function outputsOf(file: ts.SourceFile): { name: string; type: string; doc: string }[] {
  const out: { name: string; type: string; doc: string }[] = [];
  walk(file, (n) => {
    // Every Output property of the class: declared ones (from state) and assigned ones (e.g. clientId).
    if (ts.isPropertyDeclaration(n) && ts.isIdentifier(n.name) && /^pulumi\.Output</.test(n.type?.getText() ?? "")) {
      out.push({ name: n.name.text, type: (n.type?.getText() ?? "").replace(/^pulumi\.Output<(.*)>$/, "$1"), doc: docOf(n) });
    }
  });
  return out;
}

export function classDoc(file: ts.SourceFile): string {
  let doc = "";
  walk(file, (n) => {
    if (ts.isClassDeclaration(n) && !doc) doc = docOf(n);
  });
  return doc;
}

export function secretsOf(file: ts.SourceFile): string[] {
  const found: string[] = [];
  walk(file, (n) => {
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === "additionalSecretOutputs") walk(n.initializer, (m) => ts.isStringLiteral(m) && found.push(m.text));
  });
  return found;
}

/**
 * The errors a file raises, in source order: `message` and `hint` of every `new TalendError({...})` as source
 * text, and the message and fix of every `new ProviderError("code", ...)` from the table.
 */
function errorsOf(file: ts.SourceFile): { message: string; hint?: string; code?: ProviderErrorCode }[] {
  const out: { message: string; hint?: string; code?: ProviderErrorCode }[] = [];
  walk(file, (n) => {
    if (!ts.isNewExpression(n) || !n.arguments?.[0]) return;
    const [first] = n.arguments;
    if (n.expression.getText() === "ProviderError" && ts.isStringLiteral(first)) {
      const code = first.text as ProviderErrorCode;
      if (!(code in PROVIDER_ERRORS)) throw new Error(`${file.fileName}: ProviderError code "${code}" is not in PROVIDER_ERRORS`);
      if (!out.some((e) => e.code === code)) out.push({ code, ...providerError(code) });
    }
    if (n.expression.getText() === "TalendError" && ts.isObjectLiteralExpression(first)) {
      const prop = (k: string) => first.properties.find((p) => p.name?.getText() === k);
      // Template holes become "…" (adjacent ones one "…"), and "\n" a space: one readable line per error.
      const text = (p?: ts.ObjectLiteralElementLike) =>
        p && ts.isPropertyAssignment(p)
          ? p.initializer.getText().replace(/^[`"]|[`"]$/g, "").replace(/\$\{[^}]*\}/g, "…").replace(/\\n/g, " ").replace(/…+/g, "…").replace(/\s+/g, " ").trim()
          : undefined;
      const message = text(prop("message"));
      if (message) out.push({ message, hint: text(prop("hint")) });
    }
  });
  return out;
}

/** A table entry as the reference shows it: every value of the message is "…" (messages take strings only). */
function providerError(code: ProviderErrorCode): { message: string; hint: string } {
  const values = new Proxy({}, { get: () => "…" }) as never;
  return { message: PROVIDER_ERRORS[code].message(values), hint: PROVIDER_ERRORS[code].fix };
}

export type JsonSchema = { type?: string | string[]; enum?: unknown[]; items?: JsonSchema; default?: unknown; properties?: Record<string, JsonSchema>; required?: string[]; additionalProperties?: JsonSchema | boolean; anyOf?: JsonSchema[] };

function typeOf(s: JsonSchema | undefined): string {
  if (!s) return "any";
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" \\| ");
  if (s.type === "array") return s.items?.enum ? `list of ${typeOf(s.items)}` : `${typeOf(s.items)}[]`;
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object") return `map of ${typeOf(s.additionalProperties)}`;
  return Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "any");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function generate(): string {
  const lines = [
    "# pulumi-talend reference",
    "",
    "Generated by `npm run docs` from the code (zod schemas, doc comments, resource classes, handlers); do not edit by hand.",
    "",
    "## Provider configuration",
    "",
    "Read by the provider in `configure` and by lookups in the program; secrets stay encrypted in stack config.",
    "",
    "| stack config | environment fallback |",
    "| --- | --- |",
    ...Object.values(CONFIG_KEYS).map(([key, env]) => `| \`${key}\` | \`${env}\` |`),
    "",
  ];
  const documented = new Set<ProviderErrorCode>();
  for (const r of RESOURCES) {
    // One module per resource: schema, class and provider; helpers it uses may add errors.
    const handlerFiles = r.files.map(source);
    const inputsFile = handlerFiles[0] as ts.SourceFile;
    const classFile = inputsFile;
    const schema = z.toJSONSchema(r.schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const docs = inputDocs(inputsFile);
    const secrets = secretsOf(classFile);
    lines.push(`## ${r.type}`, "", `\`new talend.${r.type}(name, args, opts?)\` — ${classDoc(classFile)}`, "", "### Inputs", "", "| input | type | default | on change | description |", "| --- | --- | --- | --- | --- |");
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      if (HIDDEN.has(name)) continue;
      const onChange = r.replaces.includes(name) ? "replace" : r.rerun.includes(name) ? "update (replace with rerunOnChange)" : "update in place";
      const required = schema.required?.includes(name) && prop.default === undefined ? " (required)" : "";
      lines.push(`| \`${name}\`${required} | ${typeOf(prop)} | ${prop.default === undefined ? "" : `\`${JSON.stringify(prop.default)}\``} | ${onChange} | ${cell(docs.get(name) ?? "")} |`);
    }
    lines.push("", "### Outputs", "", "All inputs are also outputs.", "", "| output | type | secret | description |", "| --- | --- | --- | --- |");
    for (const o of outputsOf(classFile)) lines.push(`| \`${o.name}\` | ${cell(o.type)} | ${secrets.includes(o.name) ? "yes" : ""} | ${cell(o.doc)} |`);
    const errors = handlerFiles.flatMap(errorsOf);
    for (const e of errors) if (e.code) documented.add(e.code);
    if (errors.length) {
      lines.push("", "### Errors and their fixes", "");
      for (const e of errors) lines.push(`- ${cell(e.message)}${e.code ? ` (\`${e.code}\`)` : ""}${e.hint ? ` — fix: ${cell(e.hint)}` : ""}`);
    }
    lines.push("");
  }
  for (const c of COMPONENTS) lines.push(...componentDoc(c));
  // A code no resource raises is either dead or raised where the reference does not look: both need fixing.
  const undocumented = Object.keys(PROVIDER_ERRORS).filter((code) => !documented.has(code as ProviderErrorCode));
  if (undocumented.length) throw new Error(`PROVIDER_ERRORS codes no documented resource raises: ${undocumented.join(", ")}`);
  const lookups = source("lookups");
  lines.push("## Lookups", "", "Async functions for programs; each finds exactly one object or fails naming what it looked for and what exists.", "");
  walk(lookups, (n) => {
    if (ts.isFunctionDeclaration(n) && n.name) lines.push(`- \`${n.name.text}(${n.parameters.map((p) => p.getText()).join(", ")})\`: ${docOf(n) || "see the type"}`);
  });
  lines.push("");
  return lines.join("\n");
}

/** A component's section: inputs (with the fields of a nested type described in the same file), outputs. */
function componentDoc(c: (typeof COMPONENTS)[number]): string[] {
  const file = source(c.file);
  const schema = z.toJSONSchema(c.schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const docs = inputDocs(file);
  const row = (name: string, prop: JsonSchema, required: boolean) => `| \`${name}\`${required && prop.default === undefined ? " (required)" : ""} | ${typeOf(prop)} | ${prop.default === undefined ? "" : `\`${JSON.stringify(prop.default)}\``} | ${cell(docs.get(name.replace(/^.*\./, "")) ?? "")} |`;
  const lines = [`## ${c.type}`, "", `\`new talend.${c.type}(name, args, opts?)\` — ${classDoc(file)} A component: the resources it declares check, update and replace as documented above.`, "", "### Inputs", "", "| input | type | default | description |", "| --- | --- | --- | --- |"];
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    lines.push(row(name, prop, !!schema.required?.includes(name)));
    const item = prop.type === "array" ? prop.items : undefined;
    if (c.nested[name]?.file === c.file) for (const [field, p] of Object.entries(item?.properties ?? {})) lines.push(row(`${name}[].${field}`, p, !!item?.required?.includes(field)));
  }
  const secrets = secretsOf(source(c.secretsOf));
  lines.push("", "### Outputs", "", "| output | type | secret | description |", "| --- | --- | --- | --- |");
  for (const o of outputsOf(file)) lines.push(`| \`${o.name}\` | ${cell(o.type)} | ${secrets.includes(o.name) ? "yes" : ""} | ${cell(o.doc)} |`);
  lines.push("");
  return lines;
}

/** docs/benchmark.md, rendered from the latest `npm run bench` (bench/results.json). */
export function generateBenchmark(): string {
  return benchmarkDoc(BenchResultsSchema.parse(JSON.parse(readFileSync(join(repo, "bench", "results.json"), "utf8"))));
}

if (require.main === module) {
  writeFileSync(join(repo, "docs", "reference.md"), generate());
  writeFileSync(join(repo, "docs", "benchmark.md"), generateBenchmark());
  console.log("wrote docs/reference.md and docs/benchmark.md");
}
