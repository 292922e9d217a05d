// The benchmark's tables and docs/benchmark.md, both rendered from what bench.ts writes to bench/results.json, so
// the page can never disagree with the measurements: `npm run bench` prints the tables, `npm run docs` writes the
// page, test/docs.test.ts fails when the committed page differs from a fresh rendering.
import { z } from "zod";

const Timed = z.object({ seconds: z.number() });
const Phase = Timed.extend({ requests: z.number(), mutating: z.number(), tokenMints: z.number() });

const ScenarioSchema = z.object({
  k: z.number(),
  resources: z.number(),
  empty: z.object({ preview: Timed, up: Timed, noopUp: Timed }),
  up: Phase,
  noopUp: Phase,
  preview: Phase,
  refresh: Timed,
  destroy: Timed.extend({ requests: z.number() }),
  state: z.object({
    bytes: z.number(),
    providerBytes: z.number(),
    perResource: z.object({ total: z.number(), provider: z.number(), sourcePositionAndStackTrace: z.number(), inputs: z.number(), outputs: z.number() }),
  }),
  providerRssMb: z.number(),
  script: Timed.extend({ teardown: Timed }),
  minimumRequests: z.number(),
  minimumDestroyRequests: z.number(),
  upSecondsPerResource: z.number(),
});

/** A variant deployed once, then previewed and no-op upped (the quicker of two samples each). */
const Sampled = z.object({ k: z.number(), resources: z.number(), up: z.number(), preview: z.number(), noopUp: z.number() });

/** The part of bench/results.json that the tables and the page show. */
export const BenchResultsSchema = z.object({
  generatedAt: z.string(),
  rttMs: z.number(),
  machine: z.string(),
  goals: z.record(z.string(), z.object({ met: z.boolean(), value: z.string(), why: z.string() })),
  results: z.array(ScenarioSchema).min(1),
  noopProviderFloor: z.array(Sampled),
  /** The same bootstrap as a Pulumi YAML program through the provider plugin (absent with BENCH_YAML=0). */
  yaml: z.array(Sampled).optional(),
  repeatedLookups: z.object({ k: z.number(), hoisted: z.object({ lookupRequests: z.number() }), repeated: z.object({ lookupRequests: z.number() }) }).optional(),
  checkpointCost: z
    .object({ k: z.number(), upSeconds: z.number(), upSecondsWithoutCheckpoints: z.number(), checkpointSeconds: z.number(), engineFixedSeconds: z.number(), checkpointBytes: z.number() })
    .optional(),
});
export type BenchResults = z.infer<typeof BenchResultsSchema>;
type Scenario = BenchResults["results"][number];

export const formatRatio = (r: number) => `${r.toFixed(2)}×`;
export const formatSeconds = (n: number) => `${n.toFixed(1)} s`;
const x = formatRatio;
const s = formatSeconds;
/** "a (K = 10), b (K = 100) and c (K = 300)": one figure per size, for prose. */
function perK(results: Scenario[], figure: (r: Scenario) => string): string {
  const parts = results.map((r) => `${figure(r)} (K = ${r.k})`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "");
}

function floorOf(bench: BenchResults, k: number) {
  const floor = bench.noopProviderFloor.find((f) => f.k === k);
  if (!floor) throw new Error(`bench/results.json has no do-nothing provider row for K=${k}`);
  return floor;
}

/** The tables `npm run bench` prints: times, sizes, the do-nothing provider's floor, the goals, and two diagnostics. */
export function benchmarkTables(bench: BenchResults): string {
  const { results, goals, repeatedLookups: lookups, checkpointCost: diagnostic } = bench;
  const time = results.map(
    (r) =>
      `| ${r.k} | ${r.resources} | ${s(r.preview.seconds)} (${x(r.preview.seconds / r.empty.preview.seconds)} of ${s(r.empty.preview.seconds)}) | ${s(r.noopUp.seconds)} (${x(r.noopUp.seconds / r.empty.noopUp.seconds)} of ${s(r.empty.noopUp.seconds)}) | ${s(r.up.seconds)} (${x(r.up.seconds / r.empty.up.seconds)} of ${s(r.empty.up.seconds)}) | ${(1000 * r.upSecondsPerResource).toFixed(0)} ms | ${s(r.script.seconds)} (${x(r.script.seconds / r.up.seconds)}) | ${s(r.refresh.seconds)} | ${s(r.destroy.seconds)} | ${s(r.script.teardown.seconds)} (${x(r.script.teardown.seconds / r.destroy.seconds)}) |`,
  );
  const size = results.map(
    (r) =>
      `| ${r.k} | ${r.up.requests} (${x(r.up.requests / r.minimumRequests)} of ${r.minimumRequests}) | ${r.up.tokenMints} | ${r.noopUp.requests} / ${r.noopUp.mutating} | ${r.preview.requests} / ${r.preview.mutating} | ${r.destroy.requests} (min ${r.minimumDestroyRequests}) | ${Math.round(r.state.bytes / r.resources)} B | ${r.state.perResource.provider} B | ${r.state.perResource.sourcePositionAndStackTrace} B | ${r.state.providerBytes} B | ${r.providerRssMb} MB |`,
  );
  const yaml = results.flatMap((r) => {
    const y = bench.yaml?.find((row) => row.k === r.k);
    return y ? [`| ${r.k} | ${y.resources} | ${s(y.preview)} (${x(y.preview / r.preview.seconds)}) | ${s(y.noopUp)} (${x(y.noopUp / r.noopUp.seconds)}) | ${s(y.up)} (${x(y.up / r.up.seconds)}) |`] : [];
  });
  const floors = results.map((r) => {
    const f = floorOf(bench, r.k);
    return `| ${r.k} | ${f.resources} | ${s(f.preview)} (${x(f.preview / r.empty.preview.seconds)}) | ${s(f.noopUp)} (${x(f.noopUp / r.empty.noopUp.seconds)}) | ${s(f.up)} (${x(f.up / r.empty.up.seconds)}) | ${x(r.preview.seconds / f.preview)} | ${x(r.noopUp.seconds / f.noopUp)} | ${x(r.up.seconds / f.up)} |`;
  });
  return [
    `| K | resources | preview (× empty program) | no-op up (× empty) | up (× empty) | up per resource | sequential script (÷ up) | refresh | destroy | script teardown (÷ destroy) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...time,
    ``,
    `| K | up requests (× minimum) | token mints | no-op up requests / mutating | preview requests / mutating | destroy requests | state per resource | of which provider (2 copies) | of which stack trace | serialized provider | provider RSS |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...size,
    ``,
    `| K | do-nothing dynamic provider: resources | its preview (× empty program) | its no-op up (× empty) | its up (× empty) | pulumi-talend's preview ÷ it | no-op up ÷ it | up ÷ it (with ${bench.rttMs} ms per request) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...floors,
    ``,
    ...(yaml.length
      ? [
          `| K | Pulumi YAML through the plugin: resources (with its components) | its preview (÷ TypeScript's) | its no-op up (÷ TypeScript's) | its up (÷ TypeScript's) |`,
          `| --- | --- | --- | --- | --- |`,
          ...yaml,
          ``,
        ]
      : []),
    `| goal | | measured | why not |`,
    `| --- | --- | --- | --- |`,
    ...Object.entries(goals).map(([name, g]) => `| ${name} | ${g.met ? "met" : "**not met**"} | ${g.value} | ${g.why} |`),
    ``,
    lookups ? `Lookups (preview, K=${lookups.k}): ${lookups.repeated.lookupRequests} lookup requests with getWorkspace called per grant, ${lookups.hoisted.lookupRequests} with the lookups hoisted.` : "",
    diagnostic
      ? `Where up's ${s(diagnostic.upSeconds)} goes at K=${diagnostic.k}: ${s(diagnostic.engineFixedSeconds)} engine fixed cost (the empty program's up); ${s(diagnostic.checkpointSeconds)} checkpoint writes (up without them, a diagnostic only: ${s(diagnostic.upSecondsWithoutCheckpoints)}); final checkpoint ${Math.round(diagnostic.checkpointBytes / 1024)} KB.`
      : "",
  ].join("\n");
}

/** Markdown text wrapped at 116 columns, never inside "K = 10"; continuation lines start with `indent`. */
function wrap(text: string, indent = ""): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/(?<!=) (?!=)/)) {
    if (line && line.length + 1 + word.length > 116) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join("\n");
}
const bullet = (text: string) => wrap(`- ${text}`, "  ");

/** docs/benchmark.md: what the bench measures, the latest tables, and what they say, every figure from `bench`. */
export function benchmarkDoc(bench: BenchResults): string {
  const { results } = bench;
  const first = results[0]!;
  const last = results.at(-1)!;
  const floor = (r: Scenario) => floorOf(bench, r.k);
  // The do-nothing provider's preview between the smallest and the largest K: the engine's cost per resource.
  const perResourceMs = first === last ? undefined : (1000 * (floor(last).preview - floor(first).preview)) / (floor(last).resources - floor(first).resources);
  const per = first.state.perResource;
  const engineRecord = per.total - per.provider - per.sourcePositionAndStackTrace - per.inputs - per.outputs;
  const diagnostic = bench.checkpointCost;
  const lookups = bench.repeatedLookups;
  return [
    `# Benchmark`,
    ``,
    wrap(`Generated by \`npm run docs\` from [bench/results.json](../bench/results.json), which \`npm run bench\` writes; do not edit by hand. This run: ${bench.generatedAt}, ${bench.machine}, ${bench.rttMs} ms injected per request.`),
    ``,
    `## What it measures`,
    ``,
    wrap(
      `\`npm run bench\` (separate from the tests; about 20 minutes on 2 cores <!-- time -->) deploys K service accounts (\`BENCH_K\`, default 10, 100 and 300), each with EXECUTE on 2 workspaces, then one task run — ${perK(results, (r) => String(r.resources))} resources, counting the crash-safety intents (see [architecture](architecture.md#intents)) — through the real engine and the file backend against the emulator with ${bench.rttMs} ms injected per request, and measures \`up\`, a no-op \`up\`, \`preview\`, \`refresh\` and \`destroy\`. Beside each K it runs two floors and today's way of doing it:`,
    ),
    ``,
    bullet(`the floor the engine sets: the same project and backend running an empty program (it imports \`@pulumi/pulumi\` and declares nothing);`),
    bullet(`the floor any dynamic provider sets: the same number of resources through a dynamic provider that does nothing (no network, no validation, the engine's own diff);`),
    bullet(`the same bootstrap and teardown done the way people script it today (documented calls in sequence, a fresh token per call).`),
    ...(bench.yaml ? [bullet(`the same bootstrap as a Pulumi YAML program through the provider plugin \`pulumi-resource-talend\` (\`BENCH_YAML=0\` skips it), sampled like the floors.`)] : []),
    ``,
    wrap(
      `Preview, no-op \`up\` and the floors' commands are sampled twice and the quicker sample counts: the machine is shared, and every goal is a ratio within one run. \`BENCH_EXTRAS=0\` skips the lookup variant and the checkpoint diagnostic. After a run, \`npm run docs\` regenerates this page.`,
    ),
    ``,
    `## Results`,
    ``,
    benchmarkTables(bench),
    ``,
    `## What it says`,
    ``,
    bullet(
      `**Preview and no-op \`up\` sit on the dynamic-provider floor.** pulumi-talend's preview takes ${perK(results, (r) => x(r.preview.seconds / floor(r).preview))} of a provider that does nothing with the same resources, its no-op \`up\` ${perK(results, (r) => x(r.noopUp.seconds / floor(r).noopUp))}. ` +
        `That floor is itself ${perK(results, (r) => x(floor(r).preview / r.empty.preview.seconds))} of an empty program's preview: the engine starts the dynamic-provider host (a Node.js process loading @pulumi/pulumi) only when the first resource registers, and with default settings it makes one Check and one Diff round trip per resource, one after another` +
        (perResourceMs === undefined ? "" : ` (the do-nothing provider's preview grows by ${perResourceMs.toFixed(1)} ms per resource from K = ${first.k} to K = ${last.k})`) +
        `. Neither is in a dynamic provider's hands, and resources are dynamic providers by design. What is in ours is kept small: during our constructors @pulumi/pulumi's debug stack captures take no frames (unless \`PULUMI_DEBUG_PROMISE_LEAKS\` is set) and the recorded stack keeps only the user's frames (\`provider/shim.ts\`), so the source position in state is the user's \`new ServiceAccount(...)\` line; input validation builds each schema once, and undici loads at the first request.`,
    ),
    bullet(`**The serialized provider** is ${first.state.providerBytes} B, one line per kind, stored twice per resource (inputs and outputs): see [architecture](architecture.md#the-serialized-provider).`),
    bullet(
      `**State: ${Math.round(first.state.bytes / first.resources)} B per resource** at K = ${first.k} (the checkpoint's size over its resources). Of the ${per.total} B a resource's own record takes on average: ${per.provider} B the provider text (both copies), ${per.sourcePositionAndStackTrace} B the user's stack frames and source position, ${per.inputs} B inputs, ${per.outputs} B outputs, and ${engineRecord} B the engine's own fields (URN, type, parent, provider reference, dependencies, timestamps).`,
    ),
    bullet(
      `**What crash safety costs.** The bootstrap itself is 3K + 1 resources (K accounts, 2K grants, the run); with the intents it is ${perK(results, (r) => String(r.resources))}, each intent registered, checked, diffed and checkpointed like any resource, and sending no request that changes anything (the intents' clock is the Date header of the catalogue read the accounts' checks make anyway).`,
    ),
    bullet(
      `**up and destroy.** The file backend rewrites the whole checkpoint after every step (and backs the previous one up), so its cost per step grows with the state` +
        (diagnostic
          ? `: at K = ${diagnostic.k} that is ${s(diagnostic.checkpointSeconds)} of up's ${s(diagnostic.upSeconds)} (measured by turning checkpoints off, a diagnostic only — \`PULUMI_SKIP_CHECKPOINTS\` loses the record of an interrupted update and is not a recommendation)`
          : "") +
        `. Up per resource: ${perK(results, (r) => `${(1000 * r.upSecondsPerResource).toFixed(0)} ms`)}. With default settings the sequential script takes ${perK(results, (r) => x(r.script.seconds / r.up.seconds))} of up's time, and its teardown ${perK(results, (r) => x(r.script.teardown.seconds / r.destroy.seconds))} of destroy's.`,
    ),
    bullet(
      `**Requests.** up sends ${perK(results, (r) => x(r.up.requests / r.minimumRequests))} the API's minimum (one POST per account and per grant; the run's token, its POST and one status read; three lookups). Every request beyond it is listed with its reason in the goal \`upRequestsWithin1_2xOfMinimum\` above.`,
    ),
    ...(lookups
      ? [
          bullet(
            `**Lookups written the natural way.** With \`getWorkspace(...)\` called for each grant, preview at K = ${lookups.k} sends ${lookups.repeated.lookupRequests} lookup requests; with the lookups hoisted, ${lookups.hoisted.lookupRequests}: identical lookups share one round of requests.`,
          ),
        ]
      : []),
    ``,
    `How these figures compare with 0.1.0: [CHANGELOG.md](../CHANGELOG.md) and [bench/ab-k100.md](../bench/ab-k100.md).`,
    ``,
  ].join("\n");
}
