// `npm run schema`: writes provider/plugin/schema.json, the Pulumi package schema of the provider plugin, from the
// code itself — one source of truth with the TypeScript API and docs/reference.md: inputs (types, defaults, enums)
// from the zod schemas, descriptions from the same doc comments gen-docs reads, outputs and secret outputs from the
// resource classes, config from CONFIG_KEYS, function results from the SDK's zod schemas. The SDKs for other
// languages are generated from this file (tools/gen-sdks). test/plugin/schema.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { EnvironmentSchema, type PermissionCatalog, TaskExtractSchema, WorkspaceSchema } from "../sdk";
import { CONFIG_KEYS } from "../provider/settings";
import { COMPONENTS, HIDDEN, type JsonSchema, RESOURCES, classDoc, inputDocs, outputsOf, secretsOf, source } from "./gen-docs";
import { repoRoot } from "./repo-root";

const repo = repoRoot();
export const SCHEMA_FILE = join(repo, "provider", "plugin", "schema.json");
const PKG = "talend";
const tok = (name: string) => `${PKG}:index:${name}`;

type PulumiType = { type?: string; items?: PulumiType; additionalProperties?: PulumiType; $ref?: string };
type Property = PulumiType & { description?: string; default?: unknown; secret?: boolean };
type ObjectType = { type: "object"; description?: string; properties: Record<string, Property>; required?: string[] };

/** Named object types the functions' results refer to, filled while converting. */
const types: Record<string, ObjectType> = {};

/**
 * A JSON Schema (from zod) as a Pulumi schema type; nested objects become named types `talend:index:<Name>`, their
 * properties described by `docs`.
 */
function pulumiType(s: JsonSchema | undefined, nameForObject: string, docs?: Map<string, string>): PulumiType {
  if (!s || (!s.type && !s.enum && !s.anyOf)) return { $ref: "pulumi.json#/Any" };
  if (s.anyOf) return { $ref: "pulumi.json#/Any" };
  if (s.enum) return { type: typeof s.enum[0] === "number" ? "number" : "string" };
  if (s.type === "array") return { type: "array", items: pulumiType(s.items, nameForObject, docs) };
  if (s.type === "object" && s.properties) {
    types[tok(nameForObject)] = objectType(s, nameForObject, docs);
    return { $ref: `#/types/${tok(nameForObject)}` };
  }
  if (s.type === "object") return { type: "object", additionalProperties: pulumiType(typeof s.additionalProperties === "object" ? s.additionalProperties : undefined, nameForObject) };
  if (s.type === "integer") return { type: "integer" };
  return { type: Array.isArray(s.type) ? "string" : (s.type as string) };
}

function objectType(s: JsonSchema, name: string, docs: Map<string, string> = new Map()): ObjectType {
  const properties = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, property(pulumiType(p, `${name}${k[0]!.toUpperCase()}${k.slice(1)}`), docs.get(k), defaultOf(p))]));
  // Required means "no default": a property with a default may be left out.
  const required = (s.required ?? []).filter((k) => s.properties?.[k]?.default === undefined).sort();
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

/** Pulumi schema defaults are scalars; the provider fills the others in check. */
function defaultOf(p: JsonSchema): Partial<Property> {
  return p.default !== undefined && typeof p.default !== "object" ? { default: p.default } : {};
}

function property(t: PulumiType, description?: string, extra: Partial<Property> = {}): Property {
  return { ...t, ...(description ? { description } : {}), ...extra };
}

/** A TypeScript output type as gen-docs reads it from the class (`string[]`, `string | undefined`, ...). */
function outputType(ts: string): PulumiType {
  const t = ts.replace(/\s*\|\s*undefined$/, "").trim();
  if (t.endsWith("[]")) return { type: "array", items: outputType(t.slice(0, -2)) };
  return { type: t === "number" || t === "boolean" ? t : "string" };
}

const CONFIG_DOCS: Record<keyof typeof CONFIG_KEYS, string> = {
  token: "A Talend Cloud personal access token (secret). Environment fallback: TALEND_TOKEN.",
  region: "The Talend Cloud region (e.g. eu, us, ap); or set endpoint. Environment fallback: TALEND_REGION.",
  endpoint: "The Talend API base URL, instead of region (e.g. an emulator: http://127.0.0.1:8787). Environment fallback: TALEND_ENDPOINT.",
  tasksAndPlansEditPermission: 'The account-permission ID of "Tasks and Plans - Edit" when the catalogue cannot tell it. Environment fallback: TALEND_TASKS_AND_PLANS_EDIT_PERMISSION.',
};

/** The results of lookups.ts, as the SDK's zod schemas give them (PermissionCatalog is checked against its interface). */
const PermissionCatalogSchema = z.object({ ids: z.array(z.string()), undocumented: z.array(z.string()), tasksAndPlansEdit: z.string().optional(), tasksAndPlansEditReason: z.string() }) satisfies z.ZodType<PermissionCatalog>;
const FUNCTIONS: Record<string, { description: string; inputs: z.ZodObject; outputs: z.ZodObject; result: string }> = {
  getEnvironment: { description: "The environment with exactly this name.", inputs: z.object({ name: z.string() }), outputs: EnvironmentSchema, result: "Environment" },
  getWorkspace: { description: "The workspace with exactly this name in the named environment.", inputs: z.object({ name: z.string(), environment: z.string() }), outputs: WorkspaceSchema.extend({ environment: EnvironmentSchema }), result: "Workspace" },
  getTask: { description: "The task with exactly this name in the named workspace and environment, with its workspace and environment ids.", inputs: z.object({ name: z.string(), workspace: z.string(), environment: z.string() }), outputs: TaskExtractSchema.extend({ workspaceId: z.string(), environmentId: z.string() }), result: "Task" },
  getPermissionCatalog: { description: 'The tenant\'s account-permission IDs, with the ID of "Tasks and Plans - Edit" when it can be determined.', inputs: z.object({}), outputs: PermissionCatalogSchema, result: "PermissionCatalog" },
};

/** The components of the plugin and their owners' custom types (provider/plugin/components.ts). */
const COMPONENT_OWNERS: Record<string, { type: string; doc: string }> = {
  ServiceAccount: { type: "ServiceAccountResource", doc: "Served as a component holding the account (a ServiceAccountResource) and its create intent, so that an apply killed after the account's POST is resumed without orphan; `pulumi import` takes talend:index:ServiceAccountResource." },
  TaskExecution: { type: "TaskExecutionResource", doc: "Served as a component holding the run (a TaskExecutionResource) and its request, so that an apply killed after the run's POST never runs the task twice." },
};

/** Input properties (hidden ones left out) and the required ones (no default), from a zod schema and doc comments. */
function inputsOf(type: string, schema: z.ZodObject, docs: Map<string, string>, secrets: Set<string>, nested: Record<string, { name: string; docs: Map<string, string> }> = {}) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const inputProperties: Record<string, Property> = {};
  for (const [k, p] of Object.entries(json.properties ?? {})) {
    if (HIDDEN.has(k)) continue;
    inputProperties[k] = property(pulumiType(p, nested[k]?.name ?? `${type}${k}`, nested[k]?.docs), docs.get(k), { ...defaultOf(p), ...(secrets.has(k) ? { secret: true } : {}) });
  }
  const requiredInputs = (json.required ?? []).filter((k) => !HIDDEN.has(k) && json.properties?.[k]?.default === undefined).sort();
  return { inputProperties, requiredInputs };
}

export function generateSchema(): string {
  for (const k of Object.keys(types)) delete types[k];
  const version: string = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).version;
  const configProps = Object.fromEntries(Object.keys(CONFIG_KEYS).map((k) => [k, property({ type: "string" }, CONFIG_DOCS[k as keyof typeof CONFIG_KEYS], k === "token" ? { secret: true } : {})]));
  const resources: Record<string, unknown> = {};
  for (const r of RESOURCES) {
    const file = source(r.files[0] as string);
    const secrets = new Set(secretsOf(file));
    const { inputProperties, requiredInputs } = inputsOf(r.type, r.schema, inputDocs(file), secrets);
    // All inputs are also outputs; the class declares the rest.
    const properties: Record<string, Property> = Object.fromEntries(Object.entries(inputProperties).map(([k, p]) => [k, { ...p, default: undefined }]));
    for (const o of outputsOf(file)) properties[o.name] = property(properties[o.name] ?? outputType(o.type), o.doc || properties[o.name]?.description, secrets.has(o.name) ? { secret: true } : {});
    for (const p of Object.values(properties)) delete p.default;
    const required = outputsOf(file).filter((o) => !/\|\s*undefined/.test(o.type)).map((o) => o.name).sort();
    const resource = { inputProperties, requiredInputs, properties, required };
    const owner = COMPONENT_OWNERS[r.type];
    if (!owner) {
      resources[tok(r.type)] = { description: classDoc(file), ...resource };
      continue;
    }
    // The type programs declare is a component holding the intent and the owner (provider/plugin/components.ts);
    // the owner is a custom resource of its own type, the one `pulumi import` names.
    resources[tok(r.type)] = { description: `${classDoc(file)} ${owner.doc}`, isComponent: true, ...resource };
    resources[tok(owner.type)] = { description: `The custom resource inside a ${r.type} (which also records its create intent in state first): declare ${r.type}, import ${owner.type}.`, ...resource };
  }
  // The other components (provider/plugin/components.ts): their own inputs and the outputs their class declares.
  for (const c of COMPONENTS) {
    const file = source(c.file);
    const nested = Object.fromEntries(Object.entries(c.nested).map(([k, t]) => [k, { name: t.type, docs: inputDocs(source(t.file)) }]));
    const { inputProperties, requiredInputs } = inputsOf(c.type, c.schema, inputDocs(file), new Set(), nested);
    const outputs = outputsOf(file);
    const secrets = secretsOf(source(c.secretsOf));
    const properties = Object.fromEntries(outputs.map((o) => [o.name, property(outputType(o.type), o.doc, secrets.includes(o.name) ? { secret: true } : {})]));
    const required = outputs.filter((o) => !/\|\s*undefined/.test(o.type)).map((o) => o.name).sort();
    resources[tok(c.type)] = { description: classDoc(file), isComponent: true, inputProperties, requiredInputs, properties, required };
  }
  const functions: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    const inputs = objectType(z.toJSONSchema(f.inputs, { io: "input" }) as JsonSchema, `${f.result}Args`);
    const outputs = objectType(z.toJSONSchema(f.outputs, { io: "output", unrepresentable: "any" }) as JsonSchema, f.result);
    functions[tok(name)] = { description: f.description, ...(Object.keys(inputs.properties).length ? { inputs } : {}), outputs };
  }
  const schema = {
    name: PKG,
    displayName: "Talend Cloud",
    version,
    description: "Talend Cloud (TMC) service accounts, workspace permissions and task runs, from any Pulumi language (pulumi-talend's provider plugin).",
    keywords: ["pulumi", "talend", "category/cloud"],
    license: "Apache-2.0",
    publisher: "pulumi-talend",
    meta: { moduleFormat: "(.*)" },
    config: { variables: configProps },
    provider: { description: "The talend provider: one per tenant (explicit instances for several tenants in one program).", inputProperties: configProps },
    resources,
    functions,
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    language: {
      go: { importBasePath: "github.com/pulumi-talend/pulumi-talend/sdks/go/talend", generateResourceContainerTypes: false, respectSchemaVersion: true },
      python: { packageName: "pulumi_talend", respectSchemaVersion: true },
      csharp: { rootNamespace: "PulumiTalend", respectSchemaVersion: true },
    },
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, generateSchema());
  console.log("wrote provider/plugin/schema.json");
}
