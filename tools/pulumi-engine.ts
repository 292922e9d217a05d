// The real Pulumi CLI (built by scripts/ensure-pulumi.sh) driving a throwaway project with a file backend: used by
// the e2e tests (through test/helpers/pulumi-engine.ts) and by the benchmark.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./repo-root";

let cached: { bin?: string; reason?: string } | undefined;

/**
 * The real Pulumi CLI, built (once, cached) by scripts/ensure-pulumi.sh. When it cannot be had, tests are
 * skipped with this reason rather than passing silently.
 */
export function pulumiCli(): { bin?: string; reason?: string } {
  if (!cached) {
    try {
      const out = execFileSync("bash", [join(repoRoot(), "scripts", "ensure-pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      cached = { bin: out.trim().split("\n").pop() };
    } catch (e) {
      cached = { reason: `the Pulumi CLI could not be built (scripts/ensure-pulumi.sh): ${(e as Error).message.split("\n")[0]}` };
    }
  }
  return cached;
}

/**
 * Which Pulumi CLI and Node.js run a stack, and whose node_modules its program resolves: by default the CLI of
 * pulumiCli(), the Node.js on PATH and this repository's node_modules (test/compat passes an installed app's).
 */
export interface Toolchain {
  cliBin: string;
  /** A directory put on PATH ahead of the system's, holding the `node` the language and provider hosts run. */
  nodeBin?: string;
  nodeModules?: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A Pulumi project with a file backend and a passphrase secrets provider: in a temp dir whose node_modules is
 * this repository's, or in `app`, a directory that has its own package.json and node_modules (an installed app).
 */
export class PulumiStack {
  readonly dir: string;
  readonly stateDir: string;
  env: NodeJS.ProcessEnv;
  /** Everything the CLI printed, for leak scans. */
  readonly transcript: string[] = [];

  stackName = "test";

  private constructor(
    readonly bin: string,
    app?: string,
    nodeBin?: string,
  ) {
    this.dir = app ?? mkdtempSync(join(tmpdir(), "pulumi-talend-e2e-"));
    this.stateDir = join(this.dir, ".state");
    mkdirSync(this.stateDir);
    mkdirSync(join(this.dir, ".machine-0"));
    this.env = {
      ...process.env,
      PATH: [bin, nodeBin, process.env.PATH].filter(Boolean).join(":"),
      PULUMI_HOME: join(this.dir, ".home"),
      // metadata=skip: the file backend's blob library rewrites a ".attrs" sidecar in place (truncate, then
      // write); a SIGKILL in between leaves it empty and the stack unreadable ("failed to load checkpoint:
      // EOF"). The checkpoint itself is written atomically. Our kill tests are about the provider, not that.
      PULUMI_BACKEND_URL: `file://${this.stateDir}?metadata=skip`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      HOME: join(this.dir, ".machine-0"),
      NO_COLOR: "1",
    };
    for (const k of ["TALEND_TOKEN", "TALEND_ENDPOINT", "TALEND_REGION"]) delete this.env[k];
  }

  static async create(opts: { program: string; config?: Record<string, string>; secrets?: Record<string, string>; project?: string; stack?: string; files?: Record<string, string>; app?: string; toolchain?: Toolchain }): Promise<PulumiStack> {
    const { bin, reason } = opts.toolchain ? { bin: opts.toolchain.cliBin, reason: undefined } : pulumiCli();
    if (!bin) throw new Error(reason);
    const s = new PulumiStack(bin, opts.app, opts.toolchain?.nodeBin);
    const project = opts.project ?? "e2e";
    writeFileSync(join(s.dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\nmain: index.ts\n`);
    if (!opts.app) {
      writeFileSync(join(s.dir, "package.json"), JSON.stringify({ name: project, private: true }));
      symlinkSync(opts.toolchain?.nodeModules ?? join(repoRoot(), "node_modules"), join(s.dir, "node_modules"), "dir");
    }
    for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(s.dir, name), text);
    s.writeProgram(opts.program);
    s.stackName = opts.stack ?? "test";
    await s.run(["stack", "init", s.stackName, "--non-interactive"]);
    for (const [k, v] of Object.entries(opts.config ?? {})) await s.run(["config", "set", k, v]);
    for (const [k, v] of Object.entries(opts.secrets ?? {})) await s.run(["config", "set", "--secret", k, v]);
    return s;
  }

  private machines = 0;

  /**
   * The next command runs as on another machine over the same backend: a CI runner or container that starts
   * empty (new HOME and PULUMI_HOME). Only the stack's state carries over.
   */
  async moveToFreshMachine(): Promise<void> {
    const home = join(this.dir, `.machine-${++this.machines}`);
    mkdirSync(home);
    this.env = { ...this.env, HOME: home, PULUMI_HOME: join(home, ".pulumi") };
    await this.run(["stack", "select", this.stackName]); // as a CI job does first
  }

  writeProgram(source: string): void {
    writeFileSync(join(this.dir, "index.ts"), source);
  }

  /** Starts the CLI; `wait()` on the result collects its output. */
  start(args: string[]): { child: ChildProcess; done: Promise<RunResult> } {
    const child = spawn(join(this.bin, "pulumi"), args, { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (c) => (stdout += c));
    child.stderr?.on("data", (c) => (stderr += c));
    const done = new Promise<RunResult>((resolve) =>
      child.on("close", (code) => {
        this.transcript.push(stdout, stderr);
        resolve({ code, stdout, stderr });
      }),
    );
    return { child, done };
  }

  async run(args: string[], opts: { allowFailure?: boolean } = {}): Promise<RunResult> {
    const r = await this.start(args).done;
    if (r.code !== 0 && !opts.allowFailure) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  up(opts: { allowFailure?: boolean; args?: string[] } = {}) {
    return this.run(["up", "--yes", "--non-interactive", "--skip-preview", ...(opts.args ?? [])], opts);
  }
  /** `preview --json`: the steps and the change summary. */
  async preview(): Promise<{ steps: Array<{ op: string; urn: string; diffReasons?: string[]; detailedDiff?: Record<string, unknown> }>; changeSummary: Record<string, number> }> {
    return JSON.parse((await this.run(["preview", "--json", "--non-interactive", "--diff"])).stdout);
  }
  /** `preview --diff` as text, and the names of the top-level properties it marks as changed. */
  async previewDiff(): Promise<{ text: string; changed: string[] }> {
    const text = (await this.run(["preview", "--diff", "--non-interactive"])).stdout;
    return { text, changed: [...text.matchAll(/^ {6}[~+-] (\w+)\s*:/gm)].map((m) => m[1] as string) };
  }
  refresh() {
    return this.run(["refresh", "--yes", "--non-interactive", "--diff"]);
  }
  destroy() {
    return this.run(["destroy", "--yes", "--non-interactive"]);
  }
  async outputs(showSecrets = false): Promise<Record<string, any>> {
    return JSON.parse((await this.run(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])])).stdout);
  }
  async exportState(): Promise<any> {
    return JSON.parse((await this.run(["stack", "export"])).stdout);
  }

  /** Every file of the backend (checkpoints, history, backups), for leak scans. */
  stateText(): string {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else out.push(readFileSync(p, "utf8"));
      }
    };
    walk(this.stateDir);
    return out.join("\n");
  }

  /**
   * Kills plugin processes left running in this project (a SIGKILLed engine orphans its provider host, which
   * runs with the project directory as its working directory).
   */
  reapOrphans(): number {
    let killed = 0;
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (readlinkSync(`/proc/${pid}/cwd`) === this.dir && Number(pid) !== process.pid) {
          process.kill(Number(pid), "SIGKILL");
          killed++;
        }
      } catch {
        // gone already, or not ours to read
      }
    }
    return killed;
  }

  dispose(): void {
    this.reapOrphans();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
