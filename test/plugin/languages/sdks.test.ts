import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../../tools/repo-root";

// The SDKs for Python, Go and .NET (sdks/) are generated from provider/plugin/schema.json by scripts/gen-sdks.sh.
const repo = repoRoot();
const has = (cmd: string) => {
  try {
    execFileSync("bash", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const noGo = has("go") ? undefined : "Go is not installed";
const timed = <T>(what: string, run: () => T): T => {
  const start = Date.now();
  try {
    return run();
  } finally {
    console.log(`# ${what}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
};

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

test("the committed sdks/ equal a fresh generation from the schema (scripts/gen-sdks.sh)", { skip: noGo, timeout: 1_800_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "pulumi-talend-sdks-"));
  try {
    timed("gen-sdks", () => execFileSync("bash", [join(repo, "scripts", "gen-sdks.sh"), out], { stdio: ["ignore", "ignore", "inherit"] }));
    const committed = join(repo, "sdks");
    assert.deepEqual(files(out), files(committed), "the same files (run: bash scripts/gen-sdks.sh)");
    for (const f of files(out)) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(committed, f))), `sdks/${f} is stale: run bash scripts/gen-sdks.sh`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a Go program builds against the generated Go SDK", { skip: noGo, timeout: 1_800_000 }, () => {
  // The SDK's import path is github.com/pulumi-talend/pulumi-talend/sdks/go/talend: a module of that path holds a
  // copy of it and the program.
  const dir = mkdtempSync(join(tmpdir(), "pulumi-talend-go-"));
  try {
    cpSync(join(repo, "sdks", "go", "talend"), join(dir, "talend"), { recursive: true });
    mkdirSync(join(dir, "program"));
    cpSync(join(repo, "test", "plugin", "languages", "go-program", "main.go"), join(dir, "program", "main.go"));
    writeFileSync(join(dir, "go.mod"), "module github.com/pulumi-talend/pulumi-talend/sdks/go\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.248.0\n");
    timed("go build of the Go program", () => execFileSync("go", ["build", "-o", join(dir, "program.bin"), "./program"], { cwd: dir, env: { ...process.env, GOFLAGS: "-mod=mod" }, stdio: ["ignore", "ignore", "inherit"] }));
    assert.ok(statSync(join(dir, "program.bin")).size > 1_000_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the generated Python package byte-compiles, and imports with a stand-in for the pulumi module", { skip: has("python3") ? undefined : "python3 is not installed" }, () => {
  const pkg = join(repo, "sdks", "python");
  const dir = mkdtempSync(join(tmpdir(), "pulumi-talend-py-"));
  try {
    cpSync(pkg, join(dir, "sdk"), { recursive: true });
    execFileSync("python3", ["-m", "compileall", "-q", join(dir, "sdk", "pulumi_talend")], { stdio: ["ignore", "ignore", "inherit"] });
    // The pulumi package and its dependencies semver and parver are not installable here (no PyPI): stand-ins that
    // answer every name prove that the package's own imports and module-level code resolve. The package metadata pip
    // would write is written by hand (the SDK reads its version from it).
    const script = [
      "import os, sys, unittest.mock as m",
      `meta = os.path.join(${JSON.stringify(join(dir, "sdk"))}, "pulumi_talend-0.1.0.dist-info")`,
      "os.makedirs(meta, exist_ok=True)",
      "open(os.path.join(meta, 'METADATA'), 'w').write('Metadata-Version: 2.1\\nName: pulumi_talend\\nVersion: 0.1.0\\n')",
      "for name in ['pulumi', 'pulumi.runtime', 'pulumi.runtime.sync_await', 'pulumi.runtime.proto', 'pulumi._utils', 'semver', 'parver']: sys.modules[name] = m.MagicMock()",
      "import types; sys.modules['parver'].Version.parse = lambda v: types.SimpleNamespace(release=tuple(int(x) for x in v.split('.')), pre_tag=None, pre=None, dev=None, local=None)",
      `sys.path.insert(0, ${JSON.stringify(join(dir, "sdk"))})`,
      "import pulumi_talend",
      "for n in ['ServiceAccount', 'WorkspacePermission', 'TaskExecution', 'Provider', 'get_workspace', 'get_environment', 'get_task', 'get_permission_catalog']: assert hasattr(pulumi_talend, n), n",
      "print('ok')",
    ].join("\n");
    assert.equal(execFileSync("python3", ["-c", script], { encoding: "utf8" }).trim(), "ok");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
