// The policy pack as users get it: `npm pack`, installed into a fresh app with @pulumi/pulumi and @pulumi/policy,
// and enabled with `--policy-pack node_modules/pulumi-talend/policy` through the real CLI.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { repoRoot } from "../../tools/repo-root";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";
import { summary, violations, withPack } from "./support";

const skip = pulumiCli().reason;
const f = e2eFixture();
const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "pulumi-talend-policy-package-"));
after(() => rmSync(work, { recursive: true, force: true }));

const devVersion = (name: string) => JSON.parse(readFileSync(join(repoRoot(), "node_modules", ...name.split("/"), "package.json"), "utf8")).version.replace(/^v/, "") as string;

const PROGRAM = `import * as talend from "pulumi-talend";
new talend.ServiceAccount("admin", { name: "packaged-admin", permissions: ["TMC_USER_MANAGEMENT"] });
`;

/** First line of an entry point: which copy ran, appended to a file. */
const MARK = (file: string) => `require("node:fs").appendFileSync(${JSON.stringify(file)}, __filename + "\\n");\n`;

test("the packed tarball's policy pack runs from node_modules/pulumi-talend/policy of a fresh app, on the app's @pulumi/pulumi and @pulumi/policy", { skip, timeout: 400_000 }, async (t) => {
  const app = join(work, "app");
  let tarball = "";

  await t.test("npm pack: the pack's directory and compiled code, not its sources", async () => {
    const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: repoRoot() });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, packed!.filename);
    const files = packed!.files.map((x) => x.path);
    for (const entry of ["policy/PulumiPolicy.yaml", "policy/package.json", "dist/policy/index.js", "dist/policy/rules.js", "dist/policy/inputs.js", "dist/policy/stack.js"]) assert.ok(files.includes(entry), entry);
    assert.deepEqual(files.filter((p) => /^policy\/.*\.ts$/.test(p)), []);
  });

  await t.test(`npm install of the tarball, @pulumi/pulumi@${devVersion("@pulumi/pulumi")} and @pulumi/policy@${devVersion("@pulumi/policy")}: one @pulumi/pulumi`, async () => {
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "talend-policy-app", private: true }));
    await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, `@pulumi/pulumi@${devVersion("@pulumi/pulumi")}`, `@pulumi/policy@${devVersion("@pulumi/policy")}`], { cwd: app, timeout: 240_000 });
    const { stdout } = await exec("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: app });
    const copies = [...new Set(stdout.split("\n").filter(Boolean).map((p) => realpathSync(p)))];
    assert.deepEqual(copies, [realpathSync(join(app, "node_modules", "@pulumi", "pulumi"))]);
  });

  await t.test("pulumi preview --policy-pack node_modules/pulumi-talend/policy: the installed pack refuses, on the app's copies", async () => {
    const marks = join(work, "entry-points.txt");
    const entryPoints = [join(app, "node_modules", "pulumi-talend", "dist", "policy", "index.js"), join(app, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js"), join(app, "node_modules", "@pulumi", "policy", "index.js")];
    for (const file of entryPoints) writeFileSync(file, MARK(marks) + readFileSync(file, "utf8"));
    const stack = await f.stack({ program: PROGRAM, app });
    const r = await withPack(stack, "preview");
    assert.notEqual(r.code, 0, summary(r));
    assert.deepEqual(violations(r).map((v) => [v.level, v.policy, v.resource]), [
      ["mandatory", "talend-account-admin-permissions", "admin"],
      ["advisory", "talend-unused-account", "admin"],
    ], summary(r));
    const ran = [...new Set(readFileSync(marks, "utf8").split("\n").filter(Boolean))].sort();
    assert.deepEqual(ran, entryPoints.map((p) => realpathSync(p)).sort());

    // Without @pulumi/policy (an optional peer), the pack says what to install.
    await exec("npm", ["uninstall", "--prefer-offline", "--no-audit", "--no-fund", "@pulumi/policy"], { cwd: app, timeout: 120_000 });
    const missing = await withPack(stack, "preview");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /pulumi-talend\/policy needs @pulumi\/policy next to @pulumi\/pulumi: npm install --save-dev @pulumi\/policy@\^1\.21\.0/);
  });
});
