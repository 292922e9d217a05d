import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { shimText } from "../../provider/shim";
import { repoRoot } from "../../tools/repo-root";

const PAT = "grpc-pat-PLANTED-55aa";
let emu: TalendEmulator;
let host: ChildProcess;
let client: provrpc.ResourceProviderClient;
let serialized: string;

before(async () => {
  emu = await startEmulator();
  emu.admin.addUser({ id: "u-grpc", login: "grpc@example.com", pat: PAT, permissions: ["*"], workspaces: "*" });
  // Exactly what a ServiceAccount stores as `__provider`.
  serialized = shimText("ServiceAccount");
  host = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:1"], { cwd: repoRoot(), stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => host.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
  client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
after(async () => {
  client?.close();
  host?.kill();
  await emu?.close();
});

/** Promisified unary call on the provider client. */
function call<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}
const struct = (v: Record<string, unknown>) => Struct.fromJavaScript(v as never);
const URN = "urn:pulumi:test::proj::pulumi-nodejs:dynamic/talend:ServiceAccount::ci";

test("the serialized provider is a small shim that holds no credential and no implementation", () => {
  assert.ok(serialized.length < 4096, `${serialized.length} bytes`);
  assert.ok(!serialized.includes(PAT) && !serialized.includes("emulator-admin-pat"));
  assert.match(serialized, /require\("pulumi-talend\/dynamic"\)/);
  assert.doesNotMatch(serialized, /zod|undici|TalendClient/);
});

test("Configure, Check, Diff, Create, Read, Update, Delete through the real dynamic-provider host", async () => {
  const configure = new provproto.ConfigureRequest();
  configure.setArgs(struct({ "talend:endpoint": emu.url, "talend:token": PAT }));
  await call(client.configure, configure);

  const bad = new provproto.CheckRequest();
  bad.setUrn(URN);
  bad.setOlds(struct({}));
  bad.setNews(struct({ name: "", __provider: serialized }));
  const failures = (await call<provproto.CheckRequest, provproto.CheckResponse>(client.check, bad)).getFailuresList();
  assert.equal(failures[0]?.getProperty(), "name");
  assert.match(failures[0]!.getReason(), /ServiceAccount\.name: must not be empty/);

  const check = new provproto.CheckRequest();
  check.setUrn(URN);
  check.setOlds(struct({}));
  check.setNews(struct({ name: "grpc-sa", permissions: ["TMC_ENGINE_USE", "TMC_ENGINE_USE"], __provider: serialized }));
  const inputs = (await call<provproto.CheckRequest, provproto.CheckResponse>(client.check, check)).getInputs()!.toJavaScript();
  assert.deepEqual(inputs.permissions, ["TMC_ENGINE_USE"]);

  const create = new provproto.CreateRequest();
  create.setUrn(URN);
  create.setProperties(struct(inputs));
  const created = await call<provproto.CreateRequest, provproto.CreateResponse>(client.create, create);
  const id = created.getId();
  const outs = created.getProperties()!.toJavaScript() as Record<string, unknown>;
  assert.equal(emu.state().serviceAccounts.find((a) => a.id === id)?.name, "grpc-sa");
  assert.equal(outs.clientSecret, emu.state().serviceAccounts.find((a) => a.id === id)?.secret);

  const news = { ...inputs, permissions: ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"] };
  const diff = new provproto.DiffRequest();
  diff.setId(id);
  diff.setUrn(URN);
  diff.setOlds(struct(outs));
  diff.setNews(struct(news));
  const d = await call<provproto.DiffRequest, provproto.DiffResponse>(client.diff, diff);
  assert.equal(d.getChanges(), provproto.DiffResponse.DiffChanges.DIFF_SOME);
  assert.deepEqual(d.getReplacesList(), []);

  const update = new provproto.UpdateRequest();
  update.setId(id);
  update.setUrn(URN);
  update.setOlds(struct(outs));
  update.setNews(struct(news));
  const updated = (await call<provproto.UpdateRequest, provproto.UpdateResponse>(client.update, update)).getProperties()!.toJavaScript();
  assert.deepEqual(updated.permissions, ["AUDIT_LOGS_VIEW", "TMC_ENGINE_USE"]);

  emu.admin.updateServiceAccount(id, { permissions: ["TMC_OPERATOR"] });
  const read = new provproto.ReadRequest();
  read.setId(id);
  read.setUrn(URN);
  read.setProperties(struct(updated as Record<string, unknown>));
  const r = await call<provproto.ReadRequest, provproto.ReadResponse>(client.read, read);
  assert.equal(r.getId(), id);
  assert.deepEqual(r.getProperties()!.toJavaScript().permissions, ["TMC_OPERATOR"]);

  const del = new provproto.DeleteRequest();
  del.setId(id);
  del.setUrn(URN);
  del.setProperties(struct(updated as Record<string, unknown>));
  await call(client.delete, del);
  assert.equal(emu.state().serviceAccounts.some((a) => a.id === id), false);
  assert.equal((await call<provproto.ReadRequest, provproto.ReadResponse>(client.read, read)).getId(), "", "a deleted account leaves state");
});
