import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname } from "node:path";
import type { TalendEmulator } from "../../emulator";
import { TalendClient } from "../../sdk";

// The engine's side of the provider plugin's gRPC, without the CLI, over this clone's @pulumi/pulumi protocol
// definitions (the wire format is the same across the peer range; the plugin under test brings its own copy).
const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json"));
export const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const provproto = require("@pulumi/pulumi/proto/provider_pb");
export const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");

/** A value the engine sends as a secret. */
export const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** A running `pulumi-resource-talend` and a gRPC client to it. */
export interface PluginClient {
  pid: number;
  configure(args: Record<string, unknown>): Promise<void>;
  invoke(token: string, args: Record<string, unknown>): Promise<{ outputs?: Record<string, any>; failures: string[] }>;
  check(urn: string, news: Record<string, unknown>): Promise<{ inputs?: Record<string, any>; failures: string[] }>;
  /** Read with an id and no properties: what `pulumi import` sends. */
  importRead(id: string, urn: string): Promise<{ id: string; props: Record<string, any>; inputs: Record<string, any> }>;
  close(): void;
}

/**
 * Starts the plugin as the engine does (`command` prints its port on stdout), with no TALEND_* fallback in its
 * environment, so that only Configure can give it a token.
 */
export async function startPlugin(command: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<PluginClient> {
  const plugin = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...env, TALEND_TOKEN: "", TALEND_ENDPOINT: "" } });
  const port = await new Promise<string>((resolve, reject) => {
    plugin.once("error", reject);
    plugin.once("exit", (code) => reject(new Error(`${command} exited ${code} before printing its port`)));
    plugin.stdout.once("data", (d) => resolve(String(d).trim()));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, req: unknown): Promise<T> => new Promise((resolve, reject) => client[method](req, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));
  const reasons = (r: any): string[] => r.getFailuresList().map((f: any) => f.getReason());
  return {
    pid: plugin.pid!,
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(Struct.fromJavaScript(config));
      req.setAcceptsecrets(true);
      await call("configure", req);
    },
    async invoke(token, inputs) {
      const req = new provproto.InvokeRequest();
      req.setTok(token);
      req.setArgs(Struct.fromJavaScript(inputs));
      const r = await call<any>("invoke", req);
      return { outputs: r.getReturn()?.toJavaScript(), failures: reasons(r) };
    },
    async check(urn, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(Struct.fromJavaScript({}));
      req.setNews(Struct.fromJavaScript(news));
      const r = await call<any>("check", req);
      return { inputs: r.getInputs()?.toJavaScript(), failures: reasons(r) };
    },
    async importRead(id, urn) {
      const req = new provproto.ReadRequest();
      req.setId(id);
      req.setUrn(urn);
      const r = await call<any>("read", req);
      return { id: r.getId(), props: r.getProperties().toJavaScript(), inputs: r.getInputs().toJavaScript() };
    },
    close() {
      client.close();
      plugin.kill();
    },
  };
}

const ADMIN_TOKEN = "emulator-admin-pat";
const urn = (type: string, name: string) => `urn:pulumi:dev::p::talend:index:${type}::${name}`;
const mutating = (emulator: TalendEmulator) => emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;

/**
 * The two gaps of @pulumi/pulumi's provider server that provider/plugin/server-fixes.ts closes, checked over gRPC
 * in this order on one plugin: by test/plugin/plugin-server.test.ts (this clone's build) and the compat suite
 * (the installed package, on both ends of the peer range).
 */
export const SERVER_GAP_CASES: Array<{ name: string; run(plugin: PluginClient, emulator: TalendEmulator): Promise<void> }> = [
  {
    name: "Configure's args and secrets reach the handlers: a ServiceAccount's permission IDs are checked against the tenant's catalogue",
    async run(plugin, emulator) {
      await plugin.configure({ endpoint: emulator.url, token: secret(ADMIN_TOKEN) });
      const valid = await plugin.check(urn("ServiceAccountResource", "ci"), { name: "ci", permissions: ["TMC_ENGINE_USE"] });
      assert.deepEqual(valid.failures, []);
      assert.deepEqual(valid.inputs?.permissions, ["TMC_ENGINE_USE"]);
      const typo = await plugin.check(urn("ServiceAccountResource", "ci"), { name: "ci", permissions: ["TMC_ENGINE_USX"] });
      assert.equal(typo.failures.length, 1, typo.failures.join("\n"));
      assert.match(typo.failures[0]!, /"TMC_ENGINE_USX" not in this tenant.s permission catalogue; did you mean "TMC_ENGINE_USE"\?/, "the catalogue was read with the configured token");
    },
  },
  {
    name: "Read with an id and no properties (`pulumi import`) returns the account, sending nothing that changes Talend",
    async run(plugin, emulator) {
      const account = await new TalendClient({ endpoint: emulator.url, credentials: { token: ADMIN_TOKEN } }).serviceAccounts.create({ name: "hand-made", permissions: ["TMC_ENGINE_USE"] });
      const before = mutating(emulator);
      const r = await plugin.importRead(account.id, urn("ServiceAccount", "hand-made"));
      assert.equal(r.id, account.id);
      assert.equal(r.props.accountName, "hand-made");
      assert.equal(r.props.clientSecret, undefined, "an imported account has no secret");
      assert.deepEqual(r.inputs, { name: "hand-made", permissions: ["TMC_ENGINE_USE"], adoptExisting: false, uniqueSuffix: false });
      assert.equal(mutating(emulator), before, "import sends nothing that changes Talend");
    },
  },
  {
    name: "a configuration without token fails with the fix",
    async run(plugin, emulator) {
      await plugin.configure({ endpoint: emulator.url });
      // A failure the engine prints as one line, not an error thrown through the server (printed with its stack).
      const { failures } = await plugin.invoke("talend:index:getPermissionCatalog", {});
      assert.match(failures.join("\n"), /talend:token is not set.*pulumi config set --secret talend:token/s);
    },
  },
];
