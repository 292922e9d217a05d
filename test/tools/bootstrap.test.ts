import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { choosePulumi, installedPulumi } from "../../tools/bootstrap";
import { repoRoot } from "../../tools/repo-root";
import { pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "pulumi-talend-bootstrap-test-"));
  dirs.push(d);
  return d;
};
/** PATH without any directory that holds a `pulumi`. */
const pathWithoutPulumi = () => (process.env.PATH ?? "").split(delimiter).filter((d) => !installedPulumi(d)).join(delimiter);
const pinnedVersion = `v${JSON.parse(readFileSync(join(repoRoot(), "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version}`;

test("a pulumi on PATH is the one bootstrap uses, with its path and version", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "pulumi"), "#!/bin/sh\necho v9.9.9\n");
  chmodSync(join(dir, "pulumi"), 0o755);
  const cli = await choosePulumi({ env: { ...process.env, PATH: `${dir}${delimiter}${pathWithoutPulumi()}` } });
  assert.deepEqual(cli, { path: join(dir, "pulumi"), version: "v9.9.9", source: "installed" });
});

test("without a pulumi on PATH, or with --pinned, bootstrap uses the pinned build", { skip }, async () => {
  const pinnedBin = pulumiCli().bin as string;
  const none = await choosePulumi({ env: { ...process.env, PATH: pathWithoutPulumi() } });
  assert.deepEqual(none, { path: join(pinnedBin, "pulumi"), version: pinnedVersion, source: "pinned" });
  const dir = tempDir();
  writeFileSync(join(dir, "pulumi"), "#!/bin/sh\necho v9.9.9\n");
  chmodSync(join(dir, "pulumi"), 0o755);
  const forced = await choosePulumi({ pinned: true, env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` } });
  assert.equal(forced.source, "pinned");
  assert.equal(forced.version, pinnedVersion);
});

test("npm run bootstrap applies the example with an installed pulumi (CLI and plugins in one directory, as installers lay them out)", { skip, timeout: 240_000 }, async () => {
  const pinnedBin = pulumiCli().bin as string;
  const install = tempDir();
  for (const name of readdirSync(pinnedBin)) symlinkSync(join(pinnedBin, name), join(install, name));
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot(), "dist", "tools", "bootstrap.js")], {
    cwd: repoRoot(),
    env: { ...process.env, PATH: `${install}${delimiter}${pathWithoutPulumi()}` },
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.match(stdout, new RegExp(`^Pulumi CLI: ${join(install, "pulumi")} \\(${pinnedVersion}\\), found on PATH`));
  assert.match(stdout, /"seedStatus": "execution_successful"/);
  assert.match(stdout, /The emulator now holds 1 service account\(s\), 1 workspace grant\(s\), 1 execution\(s\)\./);
});
