// Reliability scenarios shared by the quick test (test/reliability/reliability.test.ts) and the long soak
// (`npm run soak`, which writes docs/reliability.md). Every loop is bounded in count and time.
import { type TalendEmulator, startEmulator } from "../../emulator";
import { TalendClient, TokenCache } from "../../sdk";
import { PulumiStack, type Toolchain } from "../helpers/pulumi-engine";

const WORKSPACES = [["ops", "development"], ["analytics", "development"], ["ops", "production"]] as const;
const PAT = "emulator-admin-pat";

/** N accounts, each with EXECUTE on 3 workspaces; the first M run the seed task as themselves. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";
const c = new pulumi.Config();
const workspaces = ${JSON.stringify(WORKSPACES)};
for (let i = 0; i < c.requireNumber("accounts"); i++) {
  const sa = new talend.ServiceAccount("sa-" + i, { name: "soak-" + i, permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] });
  const grants = workspaces.map(([w, e], k) => new talend.WorkspacePermission("sa-" + i + "-ws" + k, { serviceAccountId: sa.clientId, workspace: w, environment: e, permissions: ["EXECUTE"] }));
  if (i < c.requireNumber("runs")) {
    new talend.TaskExecution("run-" + i, { task: "seed-database", workspace: "ops", environment: "development", clientId: sa.clientId, clientSecret: sa.clientSecret, triggers: ["1"], pollIntervalSeconds: 0.2 }, { dependsOn: grants });
  }
}
`;

export interface Verdict {
  duplicateAccounts: number;
  orphanAccounts: number;
  orphanGrants: number;
  duplicateExecutions: number;
  missingExecutions: number;
  stateMismatches: number;
  unusableSecrets: number;
  leaks: number;
}

export interface SoakResult extends Verdict {
  scenario: string;
  accounts: number;
  grants: number;
  runs: number;
  requests: number;
  faultsInjected: Record<string, number>;
  upsNeeded: number;
  converged: boolean;
  seconds: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function setup(accounts: number, runs: number, seed: number) {
  const emulator = await startEmulator({ randomSeed: seed });
  const stack = await PulumiStack.create({ program: PROGRAM, config: { "talend:endpoint": emulator.url, accounts: String(accounts), runs: String(runs) }, secrets: { "talend:token": PAT } });
  return { emulator, stack };
}

/** A stack of `program` on its own emulator, run by `toolchain` (default: this clone's CLI, Node.js and node_modules). */
export async function stackOn(program: string, opts: { seed: number; toolchain?: Toolchain }) {
  const emulator = await startEmulator({ randomSeed: opts.seed });
  const stack = await PulumiStack.create({ program, config: { "talend:endpoint": emulator.url }, secrets: { "talend:token": PAT }, toolchain: opts.toolchain });
  return { emulator, stack };
}

/** `stack export --show-secrets` keeps secrets wrapped: {<sig>: ..., plaintext: "<JSON>"}. */
export function secretOf(value: unknown): string | undefined {
  if (value && typeof value === "object" && "plaintext" in value) return JSON.parse((value as { plaintext: string }).plaintext);
  return typeof value === "string" ? value : undefined;
}

/** Whether Talend gives an access token for this client id and secret. */
export async function canMintToken(emulator: TalendEmulator, clientId: string, clientSecret: string | undefined): Promise<boolean> {
  const client = new TalendClient({ endpoint: emulator.url, credentials: { clientId, clientSecret: clientSecret ?? "missing" }, tokenCache: new TokenCache(), retry: { maxAttempts: 1 } });
  try {
    await client.accessToken();
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

/** Compares the emulator (the truth) with the stack's state after convergence. */
async function verify(emulator: TalendEmulator, stack: PulumiStack, runs: number): Promise<Verdict> {
  emulator.faults.clear();
  const truth = emulator.state();
  // Scanned before the export below, which prints secrets on purpose.
  const haystack = stack.stateText() + stack.transcript.join("\n");
  const exported = JSON.parse((await stack.run(["stack", "export", "--show-secrets"])).stdout);
  const resources: Array<{ type: string; id?: string; outputs?: Record<string, any> }> = exported.deployment.resources ?? [];
  const of = (t: string) => resources.filter((r) => r.type === `pulumi-nodejs:dynamic/talend:${t}`);
  const accounts = of("ServiceAccount");
  const grants = of("WorkspacePermission");
  const names = truth.serviceAccounts.map((a) => a.name);
  const byAccount = new Map<string, number>();
  for (const e of truth.executions) byAccount.set(e.userId, (byAccount.get(e.userId) ?? 0) + 1);
  const runners = accounts.filter((a) => Number(/soak-(\d+)/.exec(a.outputs?.accountName ?? "")?.[1]) < runs);
  let unusable = 0;
  for (const a of accounts) if (!(await canMintToken(emulator, a.id!, secretOf(a.outputs?.clientSecret)))) unusable++;
  let mismatches = 0;
  for (const a of accounts) {
    const live = truth.serviceAccounts.find((x) => x.id === a.id);
    if (!live || [...live.permissions].sort().join() !== [...(a.outputs?.permissions ?? [])].sort().join()) mismatches++;
  }
  for (const g of grants) {
    const live = truth.workspacePermissions.find((p) => `${p.workspaceId}/${p.serviceAccountId}` === g.id);
    if (!live || [...live.permissions].sort().join() !== [...(g.outputs?.permissions ?? [])].sort().join()) mismatches++;
  }
  const secretsText = accounts.map((a) => secretOf(a.outputs?.clientSecret)).filter(Boolean) as string[];
  return {
    duplicateAccounts: names.length - new Set(names).size,
    orphanAccounts: truth.serviceAccounts.filter((a) => !accounts.some((r) => r.id === a.id)).length,
    orphanGrants: truth.workspacePermissions.filter((p) => !grants.some((g) => g.id === `${p.workspaceId}/${p.serviceAccountId}`)).length,
    duplicateExecutions: [...byAccount.values()].reduce((n, c) => n + Math.max(0, c - 1), 0),
    missingExecutions: runners.filter((a) => !byAccount.has(a.id!)).length,
    stateMismatches: mismatches,
    unusableSecrets: unusable,
    leaks: [PAT, ...secretsText].filter((s) => haystack.includes(s)).length,
  };
}

/** Applies until an `up` succeeds (at most `maxUps`), clearing the lock a killed update leaves behind. */
async function converge(stack: PulumiStack, maxUps: number): Promise<{ ups: number; converged: boolean }> {
  for (let ups = 1; ups <= maxUps; ups++) {
    const result = await stack.up({ allowFailure: true });
    if (result.code === 0) return { ups, converged: true };
    if (process.env.SOAK_DEBUG) console.error(result.stdout.slice(-3000));
  }
  return { ups: maxUps, converged: false };
}

/** The program at scale against an emulator that fails ~`faultRate` of all requests in every way it can. */
export async function faultSoak(opts: { accounts: number; runs: number; faultRate: number; seed: number; maxUps: number }): Promise<SoakResult> {
  const started = Date.now();
  const { emulator, stack } = await setup(opts.accounts, opts.runs, opts.seed);
  try {
    const every = /^\/(account|security|orchestration|processing|monitoring)\//;
    const writes = /^\/(account|security|processing)\//;
    emulator.faults.add({ path: every, kind: "status", status: 503, probability: opts.faultRate });
    emulator.faults.add({ path: every, kind: "status", status: 429, retryAfter: "1", probability: opts.faultRate / 3 });
    emulator.faults.add({ path: every, kind: "reset", probability: opts.faultRate / 3 });
    for (const method of ["POST", "PUT", "DELETE"]) emulator.faults.add({ method, path: writes, kind: "after-commit", status: 502, probability: opts.faultRate / 2 });
    // And for certain, the first create of each kind loses its answer after Talend acted on it.
    for (const path of [/^\/account\/service-accounts$/, /^\/security\/workspaces\/.+\/permissions$/, /^\/processing\/executions$/]) emulator.faults.add({ method: "POST", path, kind: "after-commit", status: 502, times: 1 });
    emulator.faults.add({ path: every, kind: "latency", latencyMs: 20, probability: 0.2 });
    const { ups, converged } = await converge(stack, opts.maxUps);
    const requests = emulator.requests();
    const faultsInjected: Record<string, number> = {};
    for (const r of requests) if (r.fault) faultsInjected[r.fault] = (faultsInjected[r.fault] ?? 0) + 1;
    const verdict = await verify(emulator, stack, opts.runs);
    return { scenario: `fault soak (${Math.round(opts.faultRate * 100)} % 5xx + 429/reset/after-commit/latency)`, accounts: opts.accounts, grants: opts.accounts * WORKSPACES.length, runs: opts.runs, requests: requests.length, faultsInjected, upsNeeded: ups, converged, seconds: Math.round((Date.now() - started) / 1000), ...verdict };
  } finally {
    stack.dispose();
    await emulator.close();
  }
}

export interface InterruptResult extends Verdict {
  scenario: string;
  trials: number;
  kills: number;
  upsNeeded: number;
  destroyLeftovers: number;
  seconds: number;
}

/**
 * SIGKILL of the whole engine process group (engine, language host, provider host) and the clean-up a CI job
 * would do on the next machine: nothing survives but the backend (fresh HOME and PULUMI_HOME), and the dead
 * update's lock is cancelled.
 */
async function killAndMoveOn(stack: PulumiStack, child: { pid?: number }, done: Promise<{ code: number | null }>, freshMachine: boolean): Promise<boolean> {
  try {
    process.kill(-(child.pid as number), "SIGKILL");
  } catch {
    // already finished
  }
  return moveOn(stack, await done, freshMachine);
}

/** After a killed update: false when it had finished by itself, else the clean-up above, then true. */
async function moveOn(stack: PulumiStack, result: { code: number | null }, freshMachine: boolean): Promise<boolean> {
  if (result.code === 0) return false;
  stack.reapOrphans();
  if (freshMachine) await stack.moveToFreshMachine();
  await stack.run(["cancel", "--yes", "--non-interactive"], { allowFailure: true });
  return true;
}

/** A request of `up` after whose `nth` answer the engine is killed. */
export interface KillPoint {
  label: string;
  method: string;
  path: RegExp;
  nth: number;
}

/**
 * Runs `up` and SIGKILLs its whole process group (engine, language host, provider host) from inside the
 * emulator, synchronously, the moment Talend has answered the point's `nth` request: no polling, no timing, so
 * nothing the provider does after that answer can reach the backend. Then moves on as killAndMoveOn does.
 */
export async function upKilledAt(emulator: TalendEmulator, stack: PulumiStack, point: KillPoint, opts: { freshMachine: boolean }): Promise<{ killed: boolean; output: string }> {
  const { child, done } = stack.start(["up", "--yes", "--non-interactive", "--skip-preview"]);
  let seen = 0;
  const stop = emulator.onAnswered((r) => {
    if (r.method !== point.method || !point.path.test(r.path) || ++seen !== point.nth) return;
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // already finished
    }
  });
  const result = await done.finally(stop);
  // An update that failed by itself before the point is no kill.
  const killed = (await moveOn(stack, result, opts.freshMachine)) && seen >= point.nth;
  return { killed, output: result.stdout + result.stderr };
}

/** Where a kill hurts most: right after Talend has seen (and answered) a POST whose result only memory holds. */
export const KILL_POINTS = [
  { label: "account POST answered", method: "POST", path: /^\/account\/service-accounts$/, nth: 1 },
  { label: "grant POST answered", method: "POST", path: /^\/security\/workspaces\/[^/]+\/service-accounts\/[^/]+\/permissions$/, nth: 2 },
  { label: "run POST answered", method: "POST", path: /^\/processing\/executions$/, nth: 1 },
  { label: "run in flight", method: "GET", path: /^\/processing\/executions\/[^/]+$/, nth: 2 },
] as const;

export interface KillPointResult extends Verdict {
  point: string;
  freshMachine: boolean;
  killed: boolean;
  upsNeeded: number;
  converged: boolean;
  destroyLeftovers: number;
}

/**
 * Kills the engine right after the `point` request, then converges (on this machine or a fresh one). With
 * `growBeforeResume`, the program declares one more account before the next up, as a fix pushed after a
 * failed pipeline would: what the dead apply POSTed must still be recognised.
 */
export async function killAtPoint(point: KillPoint, opts: { accounts: number; runs: number; freshMachine: boolean; seed: number; maxUps: number; growBeforeResume?: boolean }): Promise<KillPointResult> {
  const { emulator, stack } = await setup(opts.accounts, opts.runs, opts.seed);
  try {
    const { killed } = await upKilledAt(emulator, stack, point, opts);
    if (opts.growBeforeResume) await stack.run(["config", "set", "accounts", String(opts.accounts + 1)]);
    const { ups, converged } = await converge(stack, opts.maxUps);
    const verdict = await verify(emulator, stack, opts.runs);
    await stack.run(["destroy", "--yes", "--non-interactive"], { allowFailure: true });
    const after = emulator.state();
    return { point: point.label, freshMachine: opts.freshMachine, killed, upsNeeded: ups, converged, destroyLeftovers: after.serviceAccounts.length + after.workspacePermissions.length, ...verdict };
  } finally {
    stack.dispose();
    await emulator.close();
  }
}

/** Kills the engine (and its provider host) at seeded random points of `up` and of `destroy`, then converges. */
export async function interruptedApplies(opts: { trials: number; accounts: number; runs: number; seed: number; maxUps: number; freshMachine?: boolean }): Promise<InterruptResult> {
  const started = Date.now();
  const random = rng(opts.seed);
  const total: InterruptResult = { scenario: `engine killed at random points of up and destroy${opts.freshMachine ? ", resumed on a fresh machine" : ""}`, trials: opts.trials, kills: 0, upsNeeded: 0, destroyLeftovers: 0, seconds: 0, duplicateAccounts: 0, orphanAccounts: 0, orphanGrants: 0, duplicateExecutions: 0, missingExecutions: 0, stateMismatches: 0, unusableSecrets: 0, leaks: 0 };
  for (let trial = 0; trial < opts.trials; trial++) {
    const { emulator, stack } = await setup(opts.accounts, opts.runs, opts.seed + trial);
    try {
      const killAfter = async (args: string[], ms: number) => {
        const { child, done } = stack.start(args);
        await new Promise((r) => setTimeout(r, ms));
        if (await killAndMoveOn(stack, child, done, opts.freshMachine ?? false)) total.kills++;
      };
      await killAfter(["up", "--yes", "--non-interactive", "--skip-preview"], 1500 + random() * 6000);
      const { ups } = await converge(stack, opts.maxUps);
      total.upsNeeded = Math.max(total.upsNeeded, ups);
      const v = await verify(emulator, stack, opts.runs);
      for (const k of Object.keys(v) as (keyof Verdict)[]) total[k] += v[k];
      await killAfter(["destroy", "--yes", "--non-interactive"], 500 + random() * 2000);
      await stack.run(["destroy", "--yes", "--non-interactive"], { allowFailure: true });
      const after = emulator.state();
      total.destroyLeftovers += after.serviceAccounts.length + after.workspacePermissions.length;
    } finally {
      stack.dispose();
      await emulator.close();
    }
  }
  total.seconds = Math.round((Date.now() - started) / 1000);
  return total;
}
