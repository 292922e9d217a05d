// `npm run bench`: what an environment bootstrap costs through the real engine, beside its floor and beside
// the way people do it today (a script making the documented calls in sequence, a fresh token per call).
// Writes bench/results.json and prints a table. A benchmark, not a test: missed goals are reported, not failed.
import { readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TalendEmulator, startEmulator } from "../emulator";
import { PulumiStack, pulumiCli } from "../tools/pulumi-engine";
import { repoRoot } from "../tools/repo-root";
import { sequentialScript } from "./sequential-script";

const RTT_MS = 50;
const SIZES = (process.env.BENCH_K ?? "1,10,100").split(",").map(Number);
/** An extra run at the largest K with the engine tuned: more parallelism, no intermediate checkpoints. */
const TUNED = { parallel: 32, env: { PULUMI_SKIP_CHECKPOINTS: "true" } };
const PAT = "emulator-admin-pat";


/** K accounts with EXECUTE on 2 workspaces; account 0 then runs the seed task. Workspaces are looked up once. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";
const k = new pulumi.Config().requireNumber("k");
const workspaces = [talend.getWorkspace({ name: "ops", environment: "development" }), talend.getWorkspace({ name: "analytics", environment: "development" })];
const grants0: talend.WorkspacePermission[] = [];
let first: talend.ServiceAccount | undefined;
for (let i = 0; i < k; i++) {
  const sa = new talend.ServiceAccount("sa-" + i, { name: "bench-" + i, permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] });
  const grants = workspaces.map((w, j) => new talend.WorkspacePermission("sa-" + i + "-ws" + j, { serviceAccountId: sa.clientId, workspaceId: w.then((x) => x.id), permissions: ["EXECUTE"] }));
  if (i === 0) { first = sa; grants0.push(...grants); }
}
new talend.TaskExecution("seed", { task: "seed-database", workspace: "ops", environment: "development", clientId: first!.clientId, clientSecret: first!.clientSecret, triggers: ["1"], pollIntervalSeconds: 0.05 }, { dependsOn: grants0 });
`;

interface Phase {
  seconds: number;
  requests: number;
  mutating: number;
  byKind: Record<string, number>;
  tokenMints: number;
}

function kindOf(method: string, path: string): string {
  if (path === "/security/oauth/token") return "token mint";
  const family = path.startsWith("/account/service-accounts/permissions") ? "catalogue" : path.startsWith("/account") ? "service account" : path.startsWith("/security") ? "grant" : path.startsWith("/processing") || path.startsWith("/monitoring") ? "execution" : "lookup";
  return `${method} ${family}`;
}

async function phase(emulator: TalendEmulator, run: () => Promise<unknown>): Promise<Phase> {
  const from = emulator.requests().length;
  const started = Date.now();
  await run();
  const seconds = (Date.now() - started) / 1000;
  const log = emulator.requests().slice(from);
  const byKind: Record<string, number> = {};
  for (const r of log) byKind[kindOf(r.method, r.path)] = (byKind[kindOf(r.method, r.path)] ?? 0) + 1;
  return { seconds, requests: log.length, mutating: log.filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length, byKind, tokenMints: byKind["token mint"] ?? 0 };
}

/** Peak resident memory (VmHWM) of this stack's provider host, sampled while `work` runs. */
async function peakProviderRss(stack: PulumiStack, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (readlinkSync(`/proc/${pid}/cwd`) !== stack.dir || !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        peak = Math.max(peak, Number(hwm ?? 0) / 1024);
      } catch {
        // the process ended between listing and reading
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await work;
  return Math.round(peak);
}

async function scenario(k: number, tuned?: typeof TUNED) {
  const emulator = await startEmulator();
  const seed = emulator.state().tasks.find((t) => t.name === "seed-database")!;
  emulator.admin.setTaskRun(seed.id, { dispatchSeconds: 0, durationSeconds: 0.2 }); // measure the provider, not the job
  emulator.faults.add({ path: /^\/(account|security|orchestration|processing|monitoring)\//, kind: "latency", latencyMs: RTT_MS });
  const stack = await PulumiStack.create({ program: PROGRAM, config: { "talend:endpoint": emulator.url, k: String(k) }, secrets: { "talend:token": PAT } });
  Object.assign(stack.env, tuned?.env);
  try {
    let rssMb = 0;
    const up = await phase(emulator, async () => (rssMb = await peakProviderRss(stack, stack.up({ args: tuned ? ["--parallel", String(tuned.parallel)] : [] }))));
    const noopUp = await phase(emulator, () => stack.up());
    const preview = await phase(emulator, () => stack.preview());
    const refresh = await phase(emulator, () => stack.refresh());
    const exported = await stack.exportState();
    const resources = (exported.deployment.resources as Array<{ type: string; inputs?: Record<string, unknown> }>).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/talend:"));
    const providerBytes = Math.max(...resources.map((r) => String(r.inputs?.__provider ?? "").length));
    const stateBytesPerResource = Math.round(JSON.stringify(exported).length / resources.length);
    const destroy = await phase(emulator, () => stack.destroy());
    // Floor: the requests the API makes unavoidable (one POST per account and per grant; for the run, a token,
    // its POST and one status read; the three lookups), and the wall time of the longest dependency chain
    // (lookup → account → grant → token → run → status) or of the total at the engine's parallelism, if longer.
    const minimum = k + 2 * k + 3 + 3;
    const parallelism = 8;
    const floorSeconds = Math.max(6 * RTT_MS, (Math.ceil((3 * k) / parallelism) + 5) * RTT_MS) / 1000 + 0.2;
    emulator.clearRequests();
    const script = await sequentialScript(emulator.url, PAT, k, RTT_MS);
    return { k, variant: tuned ? "--parallel 32, PULUMI_SKIP_CHECKPOINTS" : "defaults", resources: resources.length, up, noopUp, preview, refresh, destroy, minimumRequests: minimum, floorSeconds, providerBytes, stateBytesPerResource, providerRssMb: rssMb, script };
  } finally {
    stack.dispose();
    await emulator.close();
  }
}

function goals(r: Awaited<ReturnType<typeof scenario>>) {
  const ratio = r.up.requests / r.minimumRequests;
  return {
    requestsWithin10Percent: { met: ratio <= 1.1, value: `${ratio.toFixed(2)}× minimum`, why: ratio > 1.1 ? "a readiness token per new account, the catalogue check, and the run's preflight reads (account, grant) are deliberate extra requests" : "" },
    wallWithin1_5xFloor: { met: r.up.seconds <= 1.5 * r.floorSeconds, value: `${(r.up.seconds / r.floorSeconds).toFixed(1)}× floor`, why: r.up.seconds > 1.5 * r.floorSeconds ? "engine overhead, not requests: program start-up and, growing with K, a full checkpoint write per step" : "" },
    fiveTimesFasterThanScript: {
      met: r.script.seconds / r.up.seconds >= 5,
      value: `${(r.script.seconds / r.up.seconds).toFixed(1)}×`,
      why: r.script.seconds / r.up.seconds >= 5 ? "" : r.k < 100 ? "the engine's fixed start-up cost (~3–5 s) exceeds the script's few requests" : "the file backend rewrites the whole checkpoint after every step (state grows with K, so cost grows with K²); see the tuned row",
    },
    previewSendsNoMutation: { met: r.preview.mutating === 0 && r.noopUp.mutating === 0, value: `${r.preview.mutating} / ${r.noopUp.mutating}`, why: "" },
    providerAtMost2KB: { met: r.providerBytes <= 2048, value: `${r.providerBytes} B`, why: r.providerBytes > 2048 ? "the shim's 7 methods each cost ~180 B of Pulumi's closure-serializer wrapper around a one-line body" : "" },
    providerRssAtMost200MB: { met: r.providerRssMb <= 200, value: `${r.providerRssMb} MB`, why: r.providerRssMb > 200 ? "Node and @pulumi/pulumi's gRPC stack" : "" },
  };
}

async function main(): Promise<void> {
  const reason = pulumiCli().reason;
  if (reason) throw new Error(reason);
  const results = [];
  for (const [k, tuned] of [...SIZES.map((k) => [k, undefined] as const), [Math.max(...SIZES), TUNED] as const]) {
    const r = await scenario(k, tuned);
    results.push({ ...r, goals: goals(r) });
    console.error(`K=${k} (${r.variant}): up ${r.up.seconds.toFixed(1)} s, ${r.up.requests} requests`);
  }
  const out = { generatedAt: new Date().toISOString(), rttMs: RTT_MS, machine: `${process.platform} ${process.arch}, node ${process.version}`, results };
  writeFileSync(join(repoRoot(), "bench", "results.json"), JSON.stringify(out, null, 2));
  const rows = results.map((r) =>
    `| ${r.k}${r.variant === "defaults" ? "" : ` (${r.variant})`} | ${r.up.seconds.toFixed(1)} s (floor ${r.floorSeconds.toFixed(1)} s) | ${r.script.seconds.toFixed(1)} s | ${r.up.requests} (min ${r.minimumRequests}) | ${r.up.tokenMints} | ${r.noopUp.requests} / ${r.noopUp.mutating} | ${r.preview.requests} / ${r.preview.mutating} | ${r.refresh.seconds.toFixed(1)} s | ${r.destroy.seconds.toFixed(1)} s | ${r.stateBytesPerResource} B | ${r.providerBytes} B | ${r.providerRssMb} MB |`,
  );
  const table = [
    `| K | up (floor) | sequential script | up requests (minimum) | token mints | no-op up requests / mutating | preview requests / mutating | refresh | destroy | state per resource | serialized provider | provider RSS |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows,
  ].join("\n");
  const missed = results.flatMap((r) => Object.entries(r.goals).filter(([, g]) => !g.met).map(([name, g]) => `- K=${r.k} (${r.variant}): ${name} missed (${g.value}): ${g.why}`));
  console.log(`${table}\n\nRTT ${RTT_MS} ms per request, injected by the emulator. Goals missed:\n${missed.join("\n") || "- none"}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
