import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../../tools/repo-root";
import { type PluginClient, secret, startPlugin } from "../helpers/plugin-client";

// What a plugin process loads before it serves a resource (provider/plugin/main.ts): the YAML host starts one only to
// read the schema before every command, so neither the handlers nor @pulumi/pulumi's index (which loads TypeScript)
// load at start; and the process keeps V8's plain stacks (no source-map-support) once it serves.
const dir = mkdtempSync(join(tmpdir(), "pulumi-talend-startup-"));
const report = join(dir, "loaded.json");
const preload = join(dir, "report.js");
// On SIGUSR2 the plugin writes the modules it has loaded and what formats its stacks.
writeFileSync(
  preload,
  `process.on("SIGUSR2", () => require("fs").writeFileSync(${JSON.stringify(report)}, JSON.stringify({ modules: Object.keys(require.cache), prepareStackTrace: typeof Error.prepareStackTrace })));\n`,
);

let emulator: TalendEmulator;
let plugin: PluginClient;
before(async () => {
  emulator = await startEmulator();
  plugin = await startPlugin(process.execPath, ["-r", preload, join(repoRoot(), "dist", "provider", "plugin", "main.js")]);
});
after(async () => {
  plugin?.close();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function loaded(): Promise<{ modules: string[]; prepareStackTrace: string }> {
  rmSync(report, { force: true });
  process.kill(plugin.pid, "SIGUSR2");
  for (let i = 0; i < 100 && !existsSync(report); i++) await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(readFileSync(report, "utf8"));
}

const heavy = (modules: string[]) => ({
  handlers: modules.some((m) => m.endsWith(join("dist", "provider", "registry.js"))),
  pulumiIndex: modules.some((m) => m.endsWith(join("@pulumi", "pulumi", "index.js"))),
  typescript: modules.some((m) => m.includes(`${join("node_modules", "typescript")}/`)),
});

test("a plugin process started for its schema loads neither the handlers nor @pulumi/pulumi's index (nor TypeScript)", { timeout: 60_000 }, async () => {
  const started = await loaded();
  assert.deepEqual(heavy(started.modules), { handlers: false, pulumiIndex: false, typescript: false });
  assert.equal(started.prepareStackTrace, "undefined", "V8's own stack formatting, not source-map-support's");
});

test("the first function call loads the handlers; stacks stay plain", { timeout: 60_000 }, async () => {
  await plugin.configure({ endpoint: emulator.url, token: secret("emulator-admin-pat") });
  const { outputs, failures } = await plugin.invoke("talend:index:getWorkspace", { name: "ops", environment: "development" });
  assert.deepEqual(failures, []);
  assert.equal(outputs?.name, "ops");
  const serving = await loaded();
  assert.equal(heavy(serving.modules).handlers, true);
  assert.equal(serving.prepareStackTrace, "undefined");
});
