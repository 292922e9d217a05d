import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../../tools/repo-root";
import { type PluginClient, SERVER_GAP_CASES, secret, startPlugin } from "../helpers/plugin-client";

// The plugin over gRPC, as the engine drives it, without the CLI: the two gaps of @pulumi/pulumi's provider server
// that provider/plugin/server-fixes.ts closes (Configure's configuration, Read without properties on import), on
// this clone's build. The compat suite runs the same cases on the installed package at both ends of the peer range.
let emulator: TalendEmulator;
let plugin: PluginClient;
before(async () => {
  emulator = await startEmulator();
  plugin = await startPlugin(process.execPath, [join(repoRoot(), "dist", "provider", "plugin", "main.js")]);
});
after(async () => {
  plugin?.close();
  await emulator?.close();
});

test("a lookup returns what Talend has, with the configuration Configure sent", { timeout: 60_000 }, async () => {
  await plugin.configure({ endpoint: emulator.url, token: secret("emulator-admin-pat") });
  const ws = (await plugin.invoke("talend:index:getWorkspace", { name: "ops", environment: "development" })).outputs!;
  assert.equal(ws.name, "ops");
  assert.equal(ws.environment.name, "development");
});

test("a lookup's failure is one line naming what exists", { timeout: 60_000 }, async () => {
  const { failures } = await plugin.invoke("talend:index:getEnvironment", { name: "develop" });
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /develop/);
  assert.doesNotMatch(failures[0]!, /\n\s+at /, "no stack trace");
});

for (const c of SERVER_GAP_CASES) test(c.name, { timeout: 60_000 }, () => c.run(plugin, emulator));
