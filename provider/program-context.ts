import * as pulumi from "@pulumi/pulumi";
import { withPulumiFix } from "./error-fixes";
import { TalendError } from "../sdk";
import { type NameFailure, type NameReads, cachedReads, isFailure } from "./name-checks";
import { Context } from "./context";
import { ExpiringCache } from "./expiring-cache";
import { CONFIG_KEYS, readSettings } from "./settings";

/**
 * Program-side access to Talend (lookups, TaskRunner's catalogue read), configured exactly like the provider:
 * `talend:*` stack config, then environment variables. It lives in the program process only; nothing of it
 * is captured into the serialized provider.
 *
 * Every error it lets reach the program is a `pulumi.RunError` (or a `pulumi.ResourceError` with its stack
 * hidden, when it belongs to one resource): the CLI prints its message — what was wrong and the fix — and no
 * stack trace or object dump. One mistake is one error object: identical lookups share one request and one
 * result, and failures with one cause (a rejected token, an unreachable API, a bad setting) share one
 * instance, so that Pulumi, which reports each error object once, prints it once.
 */
export class ProgramContext {
  private reads: NameReads;
  private readonly lookups: ExpiringCache;

  constructor(
    readonly talend: Context,
    private readonly ttl = { success: LOOKUP_TTL_MS, failure: FAILURE_TTL_MS },
  ) {
    this.reads = cachedReads(talend.client, () => talend.permissionCatalog(), ttl.success);
    this.lookups = new ExpiringCache(talend.clock, { successMs: ttl.success, failureMs: ttl.failure });
  }

  /**
   * One lookup, memoized by `key` for this context: calls with the same arguments share one round of
   * requests and one outcome. A failure is kept for `ttl.failure` only (long enough for one evaluation of
   * the program to see one error, short enough that a long-lived process, e.g. the Automation API, asks again).
   */
  lookup<T>(key: string, run: (reads: NameReads) => Promise<T | NameFailure>): Promise<T> {
    return this.lookups.get(key, (replacesFailure) => {
      // Asking again after a failure: the lists it was decided on are stale too (the name may exist now).
      if (replacesFailure) this.reads = cachedReads(this.talend.client, () => this.talend.permissionCatalog(), this.ttl.success);
      return run(this.reads).then(
        (r) => {
          if (isFailure(r)) throw userError(r.reason);
          return r;
        },
        (e) => {
          throw programError(e);
        },
      );
    });
  }
}

/** Successful lookups are reused this long (one program run); the catalogue itself is cached a minute too. */
const LOOKUP_TTL_MS = 60_000;
const FAILURE_TTL_MS = 10_000;

let current: { key: string; context: ProgramContext } | undefined;

/** The context for the current stack configuration (re-read on every call: cheap, and right for the Automation API). */
export function programContext(): ProgramContext {
  const config = new pulumi.Config("talend");
  const get = (key: string) => config.get(key.replace(/^talend:/, ""));
  const key = JSON.stringify(Object.values(CONFIG_KEYS).map(([configKey, envKey]) => get(configKey) ?? process.env[envKey] ?? null));
  if (current?.key !== key) {
    let settings;
    try {
      settings = readSettings(get);
    } catch (e) {
      throw programError(e);
    }
    current = { key, context: new ProgramContext(new Context(settings)) };
  }
  return current.context;
}

/** For tests that point the program at another emulator. */
export function resetProgramContext(): void {
  current = undefined;
}

const shared = new Map<string, Error>();

/** A message for the user, as a RunError; equal messages give the same instance (Pulumi prints each instance once). */
export function userError(message: string): Error {
  let e = shared.get(message);
  if (!e) {
    e = withoutStack(new pulumi.RunError(message));
    shared.set(message, e);
    ignoreLateHandlingOf(e);
  }
  return e;
}

/** Like userError, attached to a resource (its stack hidden). */
export function resourceError(message: string, resource: pulumi.Resource): Error {
  const key = `${resource.constructor.name}|${message}`;
  let e = shared.get(key);
  if (!e) {
    e = withoutStack(new pulumi.ResourceError(message, resource, true));
    shared.set(key, e);
    ignoreLateHandlingOf(e);
  }
  return e;
}

/**
 * The stack of a user error is noise, and Pulumi prints `err.stack` (not the message) for a rejection that
 * arrives after the program's main body finished — e.g. a resource whose input lookup failed, in a program
 * without stack outputs. Without a stack, every path prints the message.
 */
function withoutStack(e: Error): Error {
  e.stack = undefined;
  return e;
}

/**
 * Any error from program-side Talend code, as the user should read it: a TalendError becomes a RunError with
 * its message and fix on one line, keyed by cause (all 401s of a run are one mistake: the token); errors that
 * are already Pulumi's pass through; anything else is left alone (a bug, whose stack matters).
 */
export function programError(error: unknown): unknown {
  // The fix in Pulumi terms (config keys, inputs), as the provider gives it: one table for both sides.
  const e = withPulumiFix(error);
  if (!(e instanceof TalendError)) return e;
  const fix = e.hint ? ` Fix: ${e.hint}.`.replace(/\.\.$/, ".") : "";
  if (e.kind === "config") return userError(`${e.message.split("\nFix: ")[0]}.${fix}`);
  if (e.kind === "http" && e.status === 401) return userError(`pulumi-talend: Talend rejected the token (401 Unauthorized).${fix}`);
  // Whichever call met it first, an unreachable API is one mistake (the endpoint or the network): one message.
  if (e.kind === "connection" || e.kind === "timeout") return userError(`pulumi-talend: no answer from the Talend API (${e.kind}): ${oneLine(e).replace(/^Talend API \S+ \S+: /, "")}.${fix}`);
  // Without the request id, the same failure of the same call from several lookups is one message, one error.
  return userError(`pulumi-talend: ${oneLine(e)}.${fix}`);
}

/** The message without its Fix line and request id (ids differ from call to call; the mistake does not). */
const oneLine = (e: TalendError): string => (e.message.split("\nFix: ")[0] ?? "").replace(/ \(requestId [^)]*\)/, "").replace(/\n/g, " ");

// Why a rejection can be "handled asynchronously": Pulumi awaits a resource's inputs one property after the
// other when it registers it, so a lookup passed as an input behind one that waits on another resource (e.g.
// `workspaceId` after `serviceAccountId: account.clientId`) is awaited only after it failed. Node then reports
// the rejection as unhandled — Pulumi's handler prints it, which is the one report we want — and, when Pulumi
// awaits it later, warns "PromiseRejectionHandledWarning". For rejections with an error of ours (already
// reported, with its fix), that warning says nothing; for any other promise, Node's warning is kept.
const ours = new WeakSet<object>();
const rejectedWithOurs = new WeakSet<Promise<unknown>>();
let listening = false;

function ignoreLateHandlingOf(e: Error): void {
  ours.add(e);
  if (listening) return;
  listening = true;
  process.on("unhandledRejection", (reason, promise) => {
    if (reason && typeof reason === "object" && ours.has(reason)) rejectedWithOurs.add(promise);
  });
  let id = 0;
  process.on("rejectionHandled", (promise) => {
    if (rejectedWithOurs.has(promise)) return;
    process.emitWarning(`Promise rejection was handled asynchronously (rejection id: ${++id})`, "PromiseRejectionHandledWarning");
  });
}
