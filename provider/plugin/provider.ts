import type * as pulumi from "@pulumi/pulumi";
import type { PermissionCatalog } from "../../sdk";
import type { Context } from "../context";
import type { lookupsIn } from "../lookups";
import type { Handler } from "../registry";
import { unwrap, wrap } from "./wire";

/** The schema's package name: type tokens read `talend:index:<Type>`. */
export const PACKAGE = "talend";
const PREFIX = `${PACKAGE}:index:`;

/** What the plugin reads from its schema: the secret outputs of each resource type. */
interface Schema {
  resources?: Record<string, { properties?: Record<string, { secret?: boolean }> }>;
}

/**
 * What serves resources and functions, loaded at its first use: the YAML host starts a plugin process only to read
 * the schema, before every command, and that process needs none of it (nor @pulumi/pulumi's index, which it loads,
 * and which loads TypeScript: a second of a start on a busy machine).
 */
function load() {
  const { compact, handlerRegistry } = require("../registry") as typeof import("../registry");
  const { lookupsIn } = require("../lookups") as typeof import("../lookups");
  const { ProgramContext, programError } = require("../program-context") as typeof import("../program-context");
  const { Context } = require("../context") as typeof import("../context");
  const { readSettings } = require("../settings") as typeof import("../settings");
  const { COMPONENTS, construct, constructTaskRunner } = require("./components") as typeof import("./components");
  const { importedState } = require("./import") as typeof import("./import");
  /** The custom resources inside the components (components.ts), served by their owner's handler. */
  const handlerOfOwner: Record<string, string> = Object.fromEntries(Object.entries(COMPONENTS).map(([type, c]) => [c.owner, type]));
  return { compact, handlerRegistry, lookupsIn, ProgramContext, programError, Context, readSettings, construct, constructTaskRunner, importedState, handlerOfOwner };
}
let loaded: ReturnType<typeof load> | undefined;
const served = () => (loaded ??= load());

/**
 * The provider plugin `pulumi-resource-talend`: the same handlers as the dynamic classes (registry.ts), served by
 * type token, and the lookups (lookups.ts) as functions. One plugin process serves one provider configuration
 * (the engine starts one per default or explicit `talend` provider), so its context is the process's.
 */
export class TalendProvider implements pulumi.provider.Provider {
  private config: Record<string, unknown> = {};
  /** The provider resource this process serves (its reference), when the engine names it. */
  private self?: string;
  private context?: Context;
  private lookups?: ReturnType<typeof lookupsIn>;
  private handlerOf?: (type: string) => Handler;
  private secretOutputs?: Map<string, string[]>;
  private readonly outputNames: Map<string, string[]>;
  private readonly resources: Array<[string, { properties?: Record<string, { secret?: boolean }> }]>;

  constructor(
    readonly version: string,
    readonly schema: string,
  ) {
    this.resources = Object.entries((JSON.parse(schema) as Schema).resources ?? {});
    this.outputNames = new Map(this.resources.map(([tok, r]) => [typeOf(tok), Object.keys(r.properties ?? {})]));
  }

  /** The provider's configuration (Configure), by key: token, region, endpoint, tasksAndPlansEditPermission. */
  configure(config: Record<string, unknown>, self?: string): void {
    this.config = unwrap(config).values;
    this.self = self;
    this.context = undefined;
    this.lookups = undefined;
  }

  /** Settings are read lazily so that a configuration error surfaces as the failing resource's error. */
  private talend(): Context {
    const { Context, readSettings } = served();
    this.context ??= new Context(readSettings((key) => stringOf(this.config[key.replace(/^talend:/, "")])));
    return this.context;
  }

  async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.provider.CheckResult> {
    const [h, type] = this.handler(urn);
    const n = unwrap(news);
    const result = await h.check(unwrap(olds).values, n.values);
    return { ...result, inputs: wrap(served().compact(result.inputs), n.secretKeys) };
  }

  async diff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.provider.DiffResult> {
    const [h, type] = this.handler(urn);
    const o = unwrap(olds).values;
    return h.diff(id, o, withRecordedIntent(type, o, unwrap(news).values));
  }

  async create(urn: string, inputs: Record<string, unknown>): Promise<pulumi.provider.CreateResult> {
    const [h, type] = this.handler(urn);
    const i = unwrap(inputs);
    const values = type === "TaskExecution" && i.values.intentAt === undefined ? { ...i.values, intentAt: await this.talend().client.serverTime() } : i.values;
    const secret = this.secretKeys(type, i.secretKeys);
    const r = await h.create(values).catch((e) => Promise.reject(withSecretProperties(e, secret)));
    return { id: r.id, outs: wrap(r.outs, secret) };
  }

  async read(id: string, urn: string, props?: Record<string, unknown>): Promise<pulumi.provider.ReadResult> {
    const [h, type] = this.handler(urn);
    const p = unwrap(props);
    // `pulumi import` sends an id and no properties.
    if (!Object.keys(p.values).length) return served().importedState(type, id, h);
    const r = await h.read(id, p.values);
    return { ...r, props: wrap(r.props, this.secretKeys(type, p.secretKeys)) };
  }

  async update(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.provider.UpdateResult> {
    const [h, type] = this.handler(urn);
    const o = unwrap(olds);
    const n = unwrap(news);
    const secret = this.secretKeys(type, new Set([...o.secretKeys, ...n.secretKeys]));
    const r = await h.update(id, o.values, withRecordedIntent(type, o.values, n.values)).catch((e) => Promise.reject(withSecretProperties(e, secret)));
    return { outs: wrap(r.outs, secret) };
  }

  async delete(id: string, urn: string, props: Record<string, unknown>): Promise<void> {
    const [h] = this.handler(urn);
    await h.delete(id, unwrap(props).values);
  }

  /** The lookups of lookups.ts as functions `talend:index:get*`, with the same arguments and results. */
  async invoke(token: string, inputs: Record<string, unknown>): Promise<pulumi.provider.InvokeResult> {
    // Every failure — the configuration, an unknown function, the lookup's own — is one line with its fix: the
    // engine prints a failure's reason; a thrown error would reach the user with its stack.
    try {
      const lookups = this.programLookups();
      const name = token.startsWith(PREFIX) ? token.slice(PREFIX.length) : token;
      const lookup = (lookups as Record<string, (args: never) => Promise<unknown>>)[name];
      if (!lookup) throw new Error(`pulumi-talend: unknown function "${token}"; the functions are ${Object.keys(lookups).map((f) => PREFIX + f).join(", ")}`);
      return { outputs: served().compact(await lookup(unwrap(inputs).values as never)) };
    } catch (e) {
      return { failures: [{ property: "", reason: (e as Error).message }] };
    }
  }

  /**
   * ServiceAccount and TaskExecution: the intent and the owner under a component; TaskRunner: its account, grants and
   * run, reading the catalogue as the lookups do (components.ts).
   */
  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
    const { construct, constructTaskRunner } = served();
    const server = { self: this.self, version: this.version };
    if (typeOf(type) === "TaskRunner") {
      return constructTaskRunner(name, inputs, options, server, this.catalog());
    }
    return construct(typeOf(type), name, inputs, options, this.outputNames.get(typeOf(type)) ?? [], server);
  }

  /** The tenant's catalogue as the lookups read it; a settings error as they report it (one line with the fix). */
  private async catalog(): Promise<PermissionCatalog> {
    try {
      return await this.programLookups().getPermissionCatalog();
    } catch (e) {
      throw served().programError(e);
    }
  }

  /** The lookups over the provider's configuration (settings read on first use). */
  private programLookups(): ReturnType<typeof lookupsIn> {
    const { lookupsIn, ProgramContext } = served();
    this.lookups ??= lookupsIn(new ProgramContext(this.talend()));
    return this.lookups;
  }

  private handler(urn: string): [Handler, string] {
    const type = handlerType(typeOf(urnType(urn)));
    this.handlerOf ??= served().handlerRegistry(() => this.talend());
    return [this.handlerOf(type), type];
  }

  /** A type's declared secret outputs, and whatever held a secret in its inputs. */
  private secretKeys(type: string, fromInputs: Set<string>): string[] {
    this.secretOutputs ??= new Map(this.resources.map(([tok, r]) => [handlerType(typeOf(tok)), Object.entries(r.properties ?? {}).filter(([, p]) => p.secret).map(([k]) => k)]));
    return [...(this.secretOutputs.get(type) ?? []), ...fromInputs];
  }
}

/**
 * A run's intent time as its own create recorded it (the plugin's programs declare no intent resource): a program
 * gives none, so the recorded one stands, and only `triggers` (or the run keys with rerunOnChange) start a new run.
 */
function withRecordedIntent(type: string, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
  if (type !== "TaskExecution" || news.intentAt !== undefined) return news;
  return { ...news, intentAt: olds.intentAt, intentId: olds.intentId, intentUrn: olds.intentUrn };
}

/** A half-done create keeps its properties in state: secrets among them stay secret there too. */
function withSecretProperties(e: unknown, secretKeys: string[]): unknown {
  const err = e as { properties?: Record<string, unknown> };
  if (err && typeof err === "object" && err.properties) err.properties = wrap(err.properties, secretKeys);
  return e;
}

/** The registry's type serving a resource type: a component's owner is served by its handler. */
function handlerType(type: string): string {
  return served().handlerOfOwner[type] ?? type;
}

/** `talend:index:ServiceAccount` → `ServiceAccount`. */
function typeOf(token: string): string {
  return token.startsWith(PREFIX) ? token.slice(PREFIX.length) : token;
}

/** A URN's resource type: `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. */
export function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

function stringOf(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === "string" ? v : String(v);
}
