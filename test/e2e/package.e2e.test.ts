import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { repoRoot } from "../../tools/repo-root";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const f = e2eFixture();
const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "pulumi-talend-package-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The @pulumi/pulumi this repository is tested with; the app gets the same release from the registry. */
const pulumiVersion = JSON.parse(readFileSync(join(repoRoot(), "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version as string;
/** A later release (Node 22+, so resolved but not run here): an app on it must not get a second copy either. */
const LATER_PULUMI = "3.270.0";

/** Where a lockfile puts @pulumi/pulumi: one entry per copy npm would install. */
function pulumiCopies(lockfile: string): string[] {
  const packages = JSON.parse(readFileSync(lockfile, "utf8")).packages as Record<string, { version?: string }>;
  return Object.entries(packages)
    .filter(([path]) => /(^|\/)node_modules\/@pulumi\/pulumi$/.test(path))
    .map(([path, p]) => `${path}@${p.version}`);
}

const PROGRAM = `import * as talend from "pulumi-talend";

const account = new talend.ServiceAccount("ci", { name: "packaged-ci", permissions: ["TMC_ENGINE_USE"] });
new talend.WorkspacePermission("ci-execute", { serviceAccountId: account.clientId, workspace: "ops", environment: "development", permissions: ["EXECUTE"] });
export const clientId = account.clientId;
export const clientSecret = account.clientSecret;
`;

/** First line of each @pulumi/pulumi entry point the engine starts: which copy ran, appended to a file. */
const MARK = (file: string) => `require("node:fs").appendFileSync(${JSON.stringify(file)}, __filename + "\\n");\n`;

test("the packed tarball, installed into a fresh app, applies a program through the real CLI with one @pulumi/pulumi", { skip, timeout: 300_000 }, async (t) => {
  const app = join(work, "app");
  let tarball = "";

  await t.test("npm pack: the tarball holds the compiled package and no source maps or tests", async () => {
    const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: repoRoot() });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, packed!.filename);
    const files = packed!.files.map((x) => x.path);
    assert.deepEqual(files.filter((p) => p.endsWith(".map")), []);
    assert.deepEqual(files.filter((p) => /^dist\/(test|bench|tools|examples)\//.test(p)), []);
    for (const entry of ["dist/provider/index.js", "dist/provider/dynamic.js", "dist/sdk/index.js", "dist/cli/talend-doctor.js"]) assert.ok(files.includes(entry), entry);
  });

  await t.test(`npm install of the tarball and @pulumi/pulumi@${pulumiVersion} into a fresh app`, async () => {
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "talend-app", private: true }));
    await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, `@pulumi/pulumi@${pulumiVersion}`], { cwd: app, timeout: 240_000 });
    const installed = JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies;
    assert.match(installed["pulumi-talend"], /^file:.*\.tgz$/, "installed from the tarball, not linked to this repository");
  });

  await t.test("npm ls @pulumi/pulumi: exactly one copy, the app's", async () => {
    const { stdout } = await exec("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: app });
    const copies = [...new Set(stdout.split("\n").filter(Boolean).map((p) => realpathSync(p)))];
    assert.deepEqual(copies, [realpathSync(join(app, "node_modules", "@pulumi", "pulumi"))]);
  });

  await t.test(`an app on @pulumi/pulumi@${LATER_PULUMI} resolves one copy too (lockfile only)`, async () => {
    const later = join(work, "later-app");
    mkdirSync(later);
    writeFileSync(join(later, "package.json"), JSON.stringify({ name: "later-app", private: true }));
    await exec("npm", ["install", "--package-lock-only", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", tarball, `@pulumi/pulumi@${LATER_PULUMI}`], { cwd: later, timeout: 120_000 });
    assert.deepEqual(pulumiCopies(join(later, "package-lock.json")), [`node_modules/@pulumi/pulumi@${LATER_PULUMI}`]);
  });

  await t.test("pulumi up, then destroy: the program and the provider run the app's own @pulumi/pulumi and pulumi-talend", async () => {
    const marks = join(work, "entry-points.txt");
    const pulumiDir = join(app, "node_modules", "@pulumi", "pulumi");
    const entryPoints = [join(pulumiDir, "cmd", "run", "index.js"), join(pulumiDir, "cmd", "dynamic-provider", "index.js"), join(app, "node_modules", "pulumi-talend", "dist", "provider", "dynamic.js")];
    for (const file of entryPoints) writeFileSync(file, MARK(marks) + readFileSync(file, "utf8"));
    const stack = await f.stack({ program: PROGRAM, app });
    await stack.up();
    const outs = await stack.outputs();
    assert.equal(outs.clientSecret, "[secret]");
    const account = f.emulator.state().serviceAccounts.find((a) => a.name === "packaged-ci");
    assert.equal(account?.id, outs.clientId);
    assert.equal(f.emulator.state().workspacePermissions.filter((p) => p.serviceAccountId === account?.id).length, 1);
    await stack.destroy();
    assert.equal(f.emulator.state().serviceAccounts.find((a) => a.name === "packaged-ci"), undefined);

    const ran = [...new Set(readFileSync(marks, "utf8").split("\n").filter(Boolean))].sort();
    assert.deepEqual(ran, entryPoints.map((p) => realpathSync(p)).sort());
  });
});
