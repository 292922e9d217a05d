// `npm run soak`: the long reliability run. Writes docs/reliability.json with the figures (faults injected,
// applies needed, duplicates, orphans, leaks, bad inputs tried, per scenario; program changes after a kill, per
// toolchain) and docs/reliability.md rendered from it. `--quick`: each scenario reduced; `--only=program-changes`:
// that matrix alone, the other figures kept from the last docs/reliability.json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerFixture } from "../helpers/provider-context";
import { repoRoot } from "../../tools/repo-root";
import { FUZZ_TARGETS, fuzzCheck } from "./fuzz";
import type { Toolchain } from "../helpers/pulumi-engine";
import { BOTTOM, TOP, describe, isCached, packTarball, prepare } from "../compat/toolchains";
import { ACCOUNT_KILL_POINTS, type AccountKillPoint, CHANGES, PROGRAM_CHANGES, type ProgramChangeResult, QUICK_KILL_POINT, killChangeResume, problems } from "./program-changes";
import { KILL_POINTS, type KillPointResult, faultSoak, interruptedApplies, killAtPoint } from "./scenario";

type FuzzRow = { tried: number; accepted: number; rejected: number; crashes: number; apiCalls: number };
type SoakResult = Awaited<ReturnType<typeof faultSoak>>;
type InterruptResult = Awaited<ReturnType<typeof interruptedApplies>>;

/** docs/reliability.json: every figure of the report; docs/reliability.md is rendered from it alone. */
interface Report {
  generated?: { date: string; quick: boolean };
  soak: SoakResult;
  kills: InterruptResult;
  killsElsewhere: InterruptResult;
  points: Array<{ label: string; same: KillPointResult[]; elsewhere: KillPointResult[] }>;
  fuzz: Record<string, FuzzRow>;
  /** Killed applies followed by a program change, per toolchain (see program-changes.ts). */
  programChanges?: { generated: { date: string; quick: boolean }; toolchains: Record<string, string>; results: ProgramChangeResult[] };
}

const SECTIONS = ["all", "program-changes"] as const;

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const only = (process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length) ?? "all") as (typeof SECTIONS)[number];
  if (!SECTIONS.includes(only)) throw new Error(`--only takes one of ${SECTIONS.join(", ")}`);
  const json = join(repoRoot(), "docs", "reliability.json");
  // --only=program-changes reruns that matrix alone and keeps every other figure of the last report.
  const rest = only === "all" ? await everythingElse(quick) : (JSON.parse(readFileSync(json, "utf8")) as Report);
  const generated = { date: new Date().toISOString().slice(0, 10), quick };
  const report: Report = { ...rest, ...(only === "all" && { generated }), programChanges: { generated, ...(await programChangeMatrix(quick)) } };
  writeFileSync(json, JSON.stringify(report, null, 2));
  const md = render(report);
  writeFileSync(join(repoRoot(), "docs", "reliability.md"), md);
  console.log(md);
}

async function everythingElse(quick: boolean): Promise<Omit<Report, "generated" | "programChanges">> {
  const soak = await faultSoak(quick ? { accounts: 8, runs: 3, faultRate: 0.1, seed: 7, maxUps: 3 } : { accounts: 50, runs: 10, faultRate: 0.1, seed: 7, maxUps: 4 });
  console.log(JSON.stringify(soak));
  // Each kill, resumed on the same machine and on a fresh one (new HOME and PULUMI_HOME, same backend).
  const killOpts = quick ? { trials: 2, accounts: 4, runs: 1, seed: 11, maxUps: 3 } : { trials: 10, accounts: 5, runs: 1, seed: 11, maxUps: 3 };
  const kills = await interruptedApplies(killOpts);
  console.log(JSON.stringify(kills));
  const killsElsewhere = await interruptedApplies({ ...killOpts, freshMachine: true });
  console.log(JSON.stringify(killsElsewhere));
  const seeds = quick ? [5] : [5, 6, 7];
  const points: Report["points"] = [];
  // The last row: the program gains an account between the dead apply and the next one (a fix pushed after a failed pipeline).
  const cases = [...KILL_POINTS.map((point) => ({ point, label: point.label as string, grow: false })), { point: KILL_POINTS[0], label: `${KILL_POINTS[0].label}, then the program gains an account`, grow: true }];
  for (const { point, label, grow } of cases) {
    const row = { label, same: [] as KillPointResult[], elsewhere: [] as KillPointResult[] };
    for (const seed of seeds) {
      for (const freshMachine of [false, true]) {
        const r = await killAtPoint(point, { accounts: quick ? 2 : 5, runs: 1, freshMachine, seed, maxUps: 3, growBeforeResume: grow });
        console.log(JSON.stringify(r));
        (freshMachine ? row.elsewhere : row.same).push(r);
      }
    }
    points.push(row);
  }
  const f = await providerFixture();
  const handlers = { ServiceAccount: f.serviceAccount, WorkspacePermission: f.workspacePermission, TaskExecution: f.taskExecution } as const;
  const fuzz: Record<string, FuzzRow> = {};
  for (const type of Object.keys(FUZZ_TARGETS)) {
    const before = f.emulator.requests().length;
    let crashes = 0;
    const stats = await fuzzCheck(type, handlers[type as keyof typeof handlers], quick ? 300 : 2000, 42).catch(() => ((crashes = 1), { tried: 0, accepted: 0, rejected: 0 }));
    // Check reads the tenant to validate names (read-only, cached); it must never change anything.
    fuzz[type] = { ...stats, crashes, apiCalls: f.emulator.requests().slice(before).filter((r) => r.method !== "GET").length };
  }
  await f.close();
  return { soak, kills, killsElsewhere, points, fuzz };
}

/**
 * Every program change at every account kill point (the quick run: the one kill point npm test uses), on this
 * clone's toolchain (the bottom of the peer range) and, when its CLI and Node.js are cached (after
 * `npm run test:compat`), on the top one, from the packed tarball installed into a fresh app.
 */
async function programChangeMatrix(quick: boolean): Promise<Omit<NonNullable<Report["programChanges"]>, "generated">> {
  const toolchains: Array<{ name: string; toolchain?: Toolchain }> = [{ name: BOTTOM.name }];
  const descriptions: Record<string, string> = { [BOTTOM.name]: describe(BOTTOM) };
  const work = mkdtempSync(join(tmpdir(), "pulumi-talend-soak-"));
  try {
    if (isCached(TOP)) {
      toolchains.push({ name: TOP.name, toolchain: await prepare(TOP, work, await packTarball(work)) });
      descriptions[TOP.name] = describe(TOP);
    } else console.log(`the top of the peer range is not cached (run npm run test:compat first): ${describe(TOP)} skipped`);
    const results: ProgramChangeResult[] = [];
    for (const { name, toolchain } of toolchains) {
      for (const change of CHANGES) {
        for (const point of quick ? [QUICK_KILL_POINT[change]] : (Object.keys(ACCOUNT_KILL_POINTS) as AccountKillPoint[])) {
          const r = await killChangeResume(change, point, { toolchain, toolchainName: name });
          console.log(JSON.stringify(r));
          results.push(r);
        }
      }
    }
    return { toolchains: descriptions, results };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function render(report: Report): string {
  const { soak, kills, killsElsewhere, points, fuzz, generated } = report;
  const sum = (rs: KillPointResult[], k: keyof KillPointResult) => rs.reduce((n, r) => n + Number(r[k]), 0);
  const outcome = (rs: KillPointResult[]) =>
    `${rs.filter((r) => r.killed).length}/${rs.length} killed; ≤ ${Math.max(...rs.map((r) => r.upsNeeded))} up${rs.every((r) => r.converged) ? "" : " (did not converge)"}; ${sum(rs, "duplicateAccounts")} / ${sum(rs, "duplicateExecutions")} / ${sum(rs, "orphanAccounts") + sum(rs, "orphanGrants")} / ${sum(rs, "unusableSecrets")} / ${sum(rs, "destroyLeftovers")}`;
  const row = (name: string, r: SoakResult | InterruptResult, applies: string, faults: string) =>
    `| ${name} | ${faults} | ${applies} | ${r.duplicateAccounts} | ${r.duplicateExecutions} | ${r.orphanAccounts} / ${r.orphanGrants} | ${r.stateMismatches} | ${r.unusableSecrets} | ${r.leaks} | ${r.seconds} s |`;
  return [
    "# Reliability report",
    "",
    `Generated by \`npm run soak\`${generated?.quick ? " --quick" : ""} on ${generated?.date ?? "(date not recorded)"} against the emulator, through the real Pulumi CLI. The quick variant of each scenario runs in \`npm test\` (test/reliability).`,
    "",
    "| scenario | faults injected | applies to converge | duplicate accounts | duplicate runs | orphan accounts / grants | state ≠ Talend | unusable secrets | plaintext leaks | time |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    row(`${soak.scenario}: ${soak.accounts} accounts, ${soak.grants} grants, ${soak.runs} runs, ${soak.requests} requests`, soak, `${soak.upsNeeded}${soak.converged ? "" : " (did not converge)"}`, Object.entries(soak.faultsInjected).map(([k, v]) => `${v} ${k}`).join(", ")),
    row(`${kills.scenario}: ${kills.trials} trials × (up + destroy), ${kills.kills} kills`, kills, `≤ ${kills.upsNeeded} after each kill; destroy leftovers ${kills.destroyLeftovers}`, `${kills.kills} SIGKILLs of the engine and provider`),
    row(`${killsElsewhere.scenario}: ${killsElsewhere.trials} trials × (up + destroy), ${killsElsewhere.kills} kills`, killsElsewhere, `≤ ${killsElsewhere.upsNeeded} after each kill; destroy leftovers ${killsElsewhere.destroyLeftovers}`, `${killsElsewhere.kills} SIGKILLs of the engine and provider`),
    "",
    "Kills at the worst moments: the whole engine process group (engine, language host, provider host) is killed with SIGKILL from inside the emulator the moment Talend has answered the request (a deterministic hook, not a timer), then the next `up` runs on the same machine, or on another one (fresh `HOME` and `PULUMI_HOME`, nothing but the backend carried over, as a CI runner or a teammate's laptop). Each cell: kills that landed before the update finished; applies needed; then duplicate accounts / duplicate runs / orphan accounts+grants / unusable secrets / leftovers after destroy.",
    "",
    "| killed right after | resumed on the same machine | resumed on another machine |",
    "| --- | --- | --- |",
    ...points.map((p) => `| ${p.label} | ${outcome(p.same)} | ${outcome(p.elsewhere)} |`),
    "",
    ...renderProgramChanges(report.programChanges),
    "Bad inputs (fast-check, valid inputs with random fields replaced by junk; every rejection names its field):",
    "",
    "| resource | inputs tried | accepted | rejected in check | crashes | mutating API calls during check |",
    "| --- | --- | --- | --- | --- | --- |",
    ...Object.entries(fuzz).map(([t, s]) => `| ${t} | ${s.tried} | ${s.accepted} | ${s.rejected} | ${s.crashes} | ${s.apiCalls} |`),
    "",
    "Secrets planted: the PAT and every service-account secret are searched for in every state file (checkpoints, history, backups) and in everything the CLI printed; a match counts as a leak. Malformed responses (HTML pages, truncated JSON, enormous bodies, hung connections) and injection attempts are covered by test/sdk/transport.test.ts and test/provider/input-properties.test.ts.",
    "",
  ].join("\n");
}

function renderProgramChanges(section: Report["programChanges"]): string[] {
  if (!section) return [];
  const points = Object.keys(ACCOUNT_KILL_POINTS) as AccountKillPoint[];
  const cell = (r: ProgramChangeResult | undefined) => {
    if (!r) return "not run";
    const found = problems(r);
    if (found.length === 0) return `ok: 1 up, 0 orphans (${r.accountsAtKill} accounts at the kill, ${r.seconds} s)`;
    const counts = [r.resumeExit !== 0 && `exit ${r.resumeExit}`, r.orphanAccounts && `${r.orphanAccounts} orphans`, r.duplicateAccounts && `${r.duplicateAccounts} duplicates`, r.missingAccounts && `${r.missingAccounts} missing`, r.unusableSecrets && `${r.unusableSecrets} unusable secrets`, r.destroyLeftovers && `${r.destroyLeftovers} left after destroy`, !r.killed && "not killed"].filter(Boolean);
    return `**FAILED**: ${counts.join(", ")}${r.resumeErrors[0] ? ` (${r.resumeErrors[0].replace(/\|/g, "/")})` : ""}`;
  };
  const rows = Object.keys(section.toolchains).flatMap((name) =>
    CHANGES.map((change) => {
      const of = (p: AccountKillPoint) => section.results.find((r) => r.toolchain === name && r.change === change && r.killPoint === p);
      return `| ${PROGRAM_CHANGES[change]} | ${name} | ${points.map((p) => cell(of(p))).join(" | ")} |`;
    }),
  );
  return [
    `The next commit after a killed apply (npm run soak${section.generated.quick ? " --quick: the kill point npm test uses for each change" : ""}, ${section.generated.date}): ` +
      "4 accounts with a grant each; `up` is killed (SIGKILL of the whole process group, from the emulator's hook) right after Talend answered the 1st, the 2nd or the last account POST; the program then changes as the next commit would; Talend's clock moves on 10 minutes; one `up` runs on a fresh machine. " +
      "Each cell: whether that `up` exited 0 with no orphaned account (an account with one of the program's names, before or after the change, that state does not hold), every secret in state usable and nothing left after `destroy`. " +
      `Toolchains: ${Object.values(section.toolchains).join("; ")}.`,
    "",
    `| program change | toolchain | ${points.map((p) => `killed after the ${ACCOUNT_KILL_POINTS[p].label}`).join(" | ")} |`,
    `| --- | --- | ${points.map(() => "---").join(" | ")} |`,
    ...rows,
    "",
  ];
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
