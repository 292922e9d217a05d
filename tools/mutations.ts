// `npm run test:mutations`: proves that the tests can fail. Each deliberate break listed in test/mutations.ts is
// applied to a scratch copy of the repository; the one test named to catch it runs there and must fail ("killed").
// A break under which its test still passes "survived": the test cannot catch what it claims to, and the run fails.
// First, each named test runs once on the unbroken copy and must pass (a test that always fails proves nothing).
//
//   node dist/tools/mutations.js [--only name,name] [--no-control] [--keep]
//
// Prints progress and a one-line summary on stderr, the report as JSON on stdout; exits 1 unless every break was
// killed. The repository itself is never touched: breaks exist only in copies under the system's temp directory.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import { type Edit, MUTATIONS, type Mutation } from "../test/mutations";
import { repoRoot } from "./repo-root";

type Target = Mutation["catches"];

/** How one run of a named test ended. */
interface TestRun {
  outcome: "passed" | "failed" | "skipped" | "not-run";
  seconds: number;
  /** Why it failed, was skipped or did not run. */
  detail?: string;
}

interface Report {
  name: string;
  proves: string;
  catches: Target;
  verdict: "killed" | "survived" | "invalid" | "pending";
  seconds?: number;
  detail?: string;
  control?: TestRun;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const only = args.includes("--only") ? (args[args.indexOf("--only") + 1] ?? "").split(",").filter(Boolean) : undefined;

async function main(): Promise<number> {
  const started = Date.now();
  const root = repoRoot();
  const unknown = only?.filter((name) => !MUTATIONS.some((m) => m.name === name)) ?? [];
  if (unknown.length) throw new Error(`no mutation named ${unknown.join(", ")} (see test/mutations.ts)`);
  const selected = MUTATIONS.filter((m) => !only || only.includes(m.name));
  const scratch = mkdtempSync(join(tmpdir(), "pulumi-talend-mutations-"));
  const stopOnSignal = () => {
    current?.kill("SIGTERM");
    if (!flag("--keep")) rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", stopOnSignal).once("SIGTERM", stopOnSignal);
  try {
    const base = join(scratch, "base");
    copyRepository(root, base);
    // Each copy runs scripts/ensure-pulumi.sh itself: its CLI bin directory and shims are its own.
    const env = process.env;
    const reports: Report[] = [];
    const controls = new Map<string, TestRun>();
    const runnable = selected.filter((m) => !m.pending);
    if (!flag("--no-control")) {
      const dir = copyOf(base, join(scratch, "control"));
      for (const m of runnable) {
        const key = JSON.stringify(m.catches);
        if (controls.has(key)) continue;
        const run = await runTest(dir, m.catches, env, m.timeoutSeconds);
        controls.set(key, run);
        progress(run.outcome === "passed" ? "control" : "CONTROL", `${describe(m.catches)} ${run.outcome} unbroken`, run);
      }
    }
    for (const m of selected) {
      const report: Report = { name: m.name, proves: m.proves, catches: m.catches, verdict: "pending" };
      reports.push(report);
      if (m.pending) {
        report.detail = m.pending;
        progress("pending", m.name, { detail: m.pending });
        continue;
      }
      report.control = controls.get(JSON.stringify(m.catches));
      if (report.control && report.control.outcome !== "passed") {
        Object.assign(report, { verdict: "invalid", detail: `the test ${report.control.outcome === "failed" ? "fails" : "does not run"} without the break: ${report.control.detail ?? ""}` });
        progress("INVALID", m.name, report);
        continue;
      }
      const dir = copyOf(base, join(scratch, m.name));
      const problems = applyEdits(dir, m.edits);
      if (problems.length) {
        Object.assign(report, { verdict: "invalid", detail: problems.join("; ") });
        progress("INVALID", m.name, report);
        continue;
      }
      const run = await runTest(dir, m.catches, env, m.timeoutSeconds);
      report.seconds = run.seconds;
      report.detail = run.detail;
      report.verdict = run.outcome === "failed" ? "killed" : run.outcome === "passed" ? "survived" : "invalid";
      progress(report.verdict === "killed" ? "killed" : report.verdict.toUpperCase(), `${m.name} ← ${describe(m.catches)}`, report);
      if (!flag("--keep")) rmSync(dir, { recursive: true, force: true });
    }
    const count = (verdict: Report["verdict"]) => reports.filter((r) => r.verdict === verdict).length;
    const counts = { killed: count("killed"), survived: count("survived"), invalid: count("invalid"), pending: count("pending") };
    const ok = counts.survived === 0 && counts.invalid === 0;
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`${JSON.stringify({ ok, seconds, counts, mutations: reports }, null, 2)}\n`);
    const caught = `${counts.killed} of ${counts.killed + counts.survived + counts.invalid} breaks caught by their test`;
    const rest = `${counts.survived} survived, ${counts.invalid} invalid, ${counts.pending} pending`;
    process.stderr.write(`test:mutations: ${ok ? "OK" : "FAILED"}: ${caught} (${rest}) in ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s\n`);
    return ok ? 0 : 1;
  } finally {
    process.off("SIGINT", stopOnSignal).off("SIGTERM", stopOnSignal);
    if (!flag("--keep")) rmSync(scratch, { recursive: true, force: true });
    else process.stderr.write(`scratch copies kept in ${scratch}\n`);
  }
}

/** The repository's files (tracked, or new and not ignored) and its build, without node_modules. */
function copyRepository(root: string, to: string): void {
  const listed = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${root}: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(root, file), join(to, file));
  }
  if (!existsSync(join(root, "dist", "tools", "mutations.js"))) throw new Error("no build: run `npm run build` first (npm run test:mutations does)");
  cpSync(join(root, "dist"), join(to, "dist"), { recursive: true });
}

/**
 * A copy of `base` with a node_modules of its own: a link per installed package, and the package's link to itself
 * (scripts/link-self.js), which must resolve to this copy — the provider host and the e2e programs load
 * `pulumi-talend` through it — while @pulumi/pulumi and the rest stay the repository's (one copy of each).
 */
function copyOf(base: string, dir: string): string {
  cpSync(base, dir, { recursive: true });
  const root = repoRoot();
  mkdirSync(join(dir, "node_modules"));
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry !== "pulumi-talend") symlinkSync(join(root, "node_modules", entry), join(dir, "node_modules", entry));
  }
  const linked = spawnSync(process.execPath, [join(dir, "scripts", "link-self.js")], { encoding: "utf8" });
  if (linked.status !== 0) throw new Error(`scripts/link-self.js failed in ${dir}: ${linked.stderr}`);
  return dir;
}

/** Applies the edits to the copy and compiles each edited TypeScript file into its dist/ twin; the problems, if any. */
function applyEdits(dir: string, edits: Edit[]): string[] {
  const problems: string[] = [];
  if (!edits.length) return ["no edits"];
  const { config } = ts.readConfigFile(join(dir, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, dir);
  for (const edit of edits) {
    const path = join(dir, edit.file);
    if (!existsSync(path)) {
      problems.push(`${edit.file} does not exist`);
      continue;
    }
    const source = readFileSync(path, "utf8");
    let broken: string;
    if ("find" in edit) {
      const times = source.split(edit.find).length - 1;
      if (times !== 1) {
        problems.push(`${edit.file}: the text to find occurs ${times} times, not once (the source changed? update test/mutations.ts): ${JSON.stringify(edit.find.slice(0, 80))}`);
        continue;
      }
      broken = source.replace(edit.find, () => edit.replace);
    } else broken = edit.apply(source);
    if (broken === source) {
      problems.push(`${edit.file}: the edit changes nothing`);
      continue;
    }
    writeFileSync(path, broken);
    if (!edit.file.endsWith(".ts")) continue;
    const compilerOptions = { ...options, rootDir: undefined, outDir: undefined, declaration: false, sourceMap: false };
    const out = ts.transpileModule(broken, { fileName: path, reportDiagnostics: true, compilerOptions });
    if (out.diagnostics?.length) {
      problems.push(`${edit.file} no longer parses: ${ts.flattenDiagnosticMessageText(out.diagnostics[0]!.messageText, " ")}`);
      continue;
    }
    const js = join(dir, "dist", edit.file.replace(/\.ts$/, ".js"));
    if (existsSync(js) && readFileSync(js, "utf8") === out.outputText) problems.push(`${edit.file}: the break compiles to the same code`);
    writeFileSync(js, out.outputText);
  }
  return problems;
}

let current: ChildProcess | undefined;

/** What tools/mutation-reporter.ts puts before each of its lines. */
const EVENT_PREFIX = "mutation-reporter: ";

/**
 * Runs the named test of the copy in `dir` (only its top-level test: --test-name-pattern) and returns how the
 * named test, or subtest, ended. Once a subtest's verdict is in, the run is stopped: SIGTERM, which the e2e
 * fixture answers by disposing of its stacks.
 */
function runTest(dir: string, target: Target, env: NodeJS.ProcessEnv, timeoutSeconds = 300): Promise<TestRun> {
  const started = Date.now();
  const file = join(dir, "dist", target.file.replace(/\.ts$/, ".js"));
  const wanted = { name: target.subtest ?? target.test, nesting: target.subtest ? 1 : 0 };
  const reporter = join(__dirname, "mutation-reporter.js");
  const pattern = `^${target.test.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
  const child = spawn(process.execPath, ["--test-reporter", reporter, "--test-reporter-destination", "stdout", "--test-reporter", "spec", "--test-reporter-destination", "stderr", "--test-name-pattern", pattern, file], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  current = child;
  let verdict: Omit<TestRun, "seconds"> | undefined;
  let pending = "";
  let log = "";
  const stop = (grace: number) => {
    child.kill("SIGTERM");
    setTimeout(() => {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // gone already
      }
    }, grace).unref();
  };
  const timer = setTimeout(() => {
    verdict ??= { outcome: "not-run", detail: `no verdict within ${timeoutSeconds} s` };
    stop(10_000);
  }, timeoutSeconds * 1000);
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk).slice(-20_000)));
  child.stdout?.on("data", (chunk: Buffer) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith(EVENT_PREFIX)) continue;
      const event = JSON.parse(line.slice(EVENT_PREFIX.length)) as { outcome: TestRun["outcome"]; name: string; nesting: number; skip?: string | boolean; failure?: { type?: string; message: string } };
      if (verdict || event.name !== wanted.name || event.nesting !== wanted.nesting) continue;
      const detail = event.outcome === "failed" ? event.failure?.message : event.outcome === "skipped" ? `skipped: ${event.skip}` : undefined;
      verdict = { outcome: event.outcome, detail };
      if (wanted.nesting > 0) stop(60_000);
    }
  });
  return new Promise((resolve) =>
    child.on("close", () => {
      clearTimeout(timer);
      current = undefined;
      const lastLines = log.trim().split("\n").slice(-15).join("\n");
      resolve({ ...(verdict ?? { outcome: "not-run", detail: `the test did not report (wrong name, or its file failed to load?):\n${lastLines}` }), seconds: Math.round((Date.now() - started) / 100) / 10 });
    }),
  );
}

function describe(t: Target): string {
  return [t.file, t.test, t.subtest].filter(Boolean).join(" › ");
}

function progress(label: string, what: string, run: { seconds?: number; detail?: string }): void {
  const time = run.seconds === undefined ? "" : ` (${run.seconds} s)`;
  const detail = run.detail ? `\n           ${run.detail.split("\n")[0]}` : "";
  process.stderr.write(`${label.padEnd(9)}  ${what}${time}${detail}\n`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`test:mutations: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
