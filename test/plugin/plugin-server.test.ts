import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { TalendClient } from "../../sdk";
import { repoRoot } from "../../tools/repo-root";

// The plugin over gRPC, as the engine drives it, without the CLI: the two gaps of @pulumi/pulumi's provider server
// that provider/plugin/server-fixes.ts closes (Configure's configuration, Read without properties on import).
const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");

let emulator: TalendEmulator;
let plugin: ChildProcess;
let client: any;
before(async () => {
  emulator = await startEmulator();
  plugin = spawn(process.execPath, [join(repoRoot(), "dist", "provider", "plugin", "main.js")], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TALEND_TOKEN: "", TALEND_ENDPOINT: "" } });
  const port = await new Promise<string>((resolve) => plugin.stdout!.once("data", (d) => resolve(String(d).trim())));
  client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
after(async () => {
  client?.close();
  plugin?.kill();
  await emulator?.close();
});

const call = <T>(method: string, req: unknown): Promise<T> => new Promise((resolve, reject) => client[method](req, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));
const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

async function configure(args: Record<string, unknown>): Promise<void> {
  const req = new provproto.ConfigureRequest();
  req.setArgs(Struct.fromJavaScript(args));
  req.setAcceptsecrets(true);
  await call("configure", req);
}

test("the plugin serves the handlers with the configuration Configure sent, and imports by id alone", { timeout: 60_000 }, async () => {
  await configure({ endpoint: emulator.url, token: secret("emulator-admin-pat") });
  const inv = new provproto.InvokeRequest();
  inv.setTok("talend:index:getWorkspace");
  inv.setArgs(Struct.fromJavaScript({ name: "ops", environment: "development" }));
  const ws = (await call<any>("invoke", inv)).getReturn().toJavaScript();
  assert.equal(ws.name, "ops");
  assert.equal(ws.environment.name, "development");

  const account = await new TalendClient({ endpoint: emulator.url, credentials: { token: "emulator-admin-pat" } }).serviceAccounts.create({ name: "hand-made", permissions: ["TMC_ENGINE_USE"] });
  const before = emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;
  const read = new provproto.ReadRequest();
  read.setId(account.id);
  read.setUrn("urn:pulumi:dev::p::talend:index:ServiceAccount::hand-made");
  const r = await call<any>("read", read); // no properties: what `pulumi import` sends
  assert.equal(r.getId(), account.id);
  const props = r.getProperties().toJavaScript();
  assert.equal(props.accountName, "hand-made");
  assert.equal(props.clientSecret, undefined, "an imported account has no secret");
  assert.deepEqual(r.getInputs().toJavaScript(), { name: "hand-made", permissions: ["TMC_ENGINE_USE"], adoptExisting: false, uniqueSuffix: false });
  assert.equal(emulator.requests().filter((q) => q.method !== "GET" && q.path !== "/security/oauth/token").length, before, "import sends nothing that changes Talend");
});

test("a lookup's failure is one line naming what exists", { timeout: 60_000 }, async () => {
  const inv = new provproto.InvokeRequest();
  inv.setTok("talend:index:getEnvironment");
  inv.setArgs(Struct.fromJavaScript({ name: "develop" }));
  const failures = (await call<any>("invoke", inv)).getFailuresList().map((f: any) => f.getReason());
  assert.equal(failures.length, 1);
  assert.match(failures[0], /develop/);
  assert.doesNotMatch(failures[0], /\n\s+at /, "no stack trace");
});

test("a configuration without token fails with the fix", { timeout: 60_000 }, async () => {
  await configure({ endpoint: emulator.url });
  const inv = new provproto.InvokeRequest();
  inv.setTok("talend:index:getPermissionCatalog");
  inv.setArgs(Struct.fromJavaScript({}));
  const outcome = await call<any>("invoke", inv).then((r) => r.getFailuresList().map((f: any) => f.getReason()).join("\n"), (e: Error) => e.message);
  assert.match(outcome, /talend:token is not set.*pulumi config set --secret talend:token/s);
});
