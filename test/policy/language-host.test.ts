// tools/language-host.js's RunPlugin, called as the engine calls it (sdk/go/common/resource/plugin: ExecPlugin
// and NewPolicyAnalyzer): a plugin directory run with @pulumi/pulumi's cmd/run-plugin, and a policy pack run
// with cmd/run-policy-pack behind the Analyzer proxy that takes the stack's configuration first.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as langrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as langproto from "@pulumi/pulumi/proto/language_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { repoRoot } from "../../tools/repo-root";

const work = mkdtempSync(join(tmpdir(), "pulumi-talend-runplugin-"));
let host: ChildProcess;
let client: langrpc.LanguageRuntimeClient;

before(async () => {
  host = spawn(process.execPath, [join(repoRoot(), "tools", "language-host.js")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => host.stdout!.once("data", (d) => resolve(String(d).trim())));
  client = new langrpc.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
after(() => {
  client.close();
  host.kill();
  rmSync(work, { recursive: true, force: true });
});

/** A directory with these files and the repository's node_modules (so @pulumi/pulumi resolves from it). */
function pluginDir(name: string, files: Record<string, string>, withSdk = true): string {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  if (withSdk) symlinkSync(join(repoRoot(), "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function request(dir: string, kind: string, args: string[], env: Record<string, string> = {}, options: Record<string, string | boolean> = {}): langproto.RunPluginRequest {
  const info = new langproto.ProgramInfo();
  info.setRootDirectory(dir);
  info.setProgramDirectory(dir);
  info.setEntryPoint(".");
  info.setOptions(Struct.fromJavaScript(options));
  const req = new langproto.RunPluginRequest();
  req.setPwd(work);
  req.setInfo(info);
  req.setKind(kind);
  req.setArgsList(args);
  req.setEnvList([...Object.entries(process.env).map(([k, v]) => `${k}=${v}`), ...Object.entries(env).map(([k, v]) => `${k}=${v}`)]);
  return req;
}

interface Streamed {
  stdout: string;
  stderr: string;
  error?: string;
  /** Called with each stdout chunk as it arrives. */
  call: grpc.ClientReadableStream<langproto.RunPluginResponse>;
  done: Promise<void>;
}
function runPlugin(req: langproto.RunPluginRequest, onStdout?: (text: string, s: Streamed) => void): Streamed {
  const call = client.runPlugin(req);
  const s = { stdout: "", stderr: "", call } as Streamed;
  call.on("data", (r: langproto.RunPluginResponse) => {
    if (r.hasStdout()) {
      const text = Buffer.from(r.getStdout_asU8()).toString();
      s.stdout += text;
      onStdout?.(text, s);
    }
    if (r.hasStderr()) s.stderr += Buffer.from(r.getStderr_asU8()).toString();
  });
  s.done = new Promise((resolve) => {
    call.on("error", (e: grpc.ServiceError) => {
      s.error = e.details;
      resolve();
    });
    call.on("end", () => resolve());
  });
  return s;
}

test("a plugin: run with cmd/run-plugin, the directory first, then the arguments; output streamed; exit status kept", async () => {
  const dir = pluginDir("echo", {
    "package.json": JSON.stringify({ name: "echo", version: "1.0.0", main: "index.js" }),
    "index.js": 'process.stdout.write(`args ${process.argv.slice(2).join(" ")} cwd ${process.cwd()} env ${process.env.PLUGIN_ENV} ts ${process.env.PULUMI_NODEJS_TYPESCRIPT}\\n`); process.stderr.write("to stderr\\n"); process.exitCode = Number(process.argv[3] ?? 0);',
  });
  const ok = runPlugin(request(dir, "resource", ["first", "0"], { PLUGIN_ENV: "from-engine" }));
  await ok.done;
  assert.equal(ok.error, undefined);
  assert.equal(ok.stdout, `args first 0 cwd ${work} env from-engine ts true\n`, "arguments after the directory; the request's working directory and environment; typescript by default");
  assert.equal(ok.stderr, "to stderr\n");
  const failed = runPlugin(request(dir, "resource", ["first", "3"]));
  await failed.done;
  assert.equal(failed.error, "Program exited with non-zero exit code: 3");

  // Runtime options: `nodeargs` are split like a shell's words and go to cmd/run-plugin (whose --pwd moves the plugin).
  const elsewhere = join(work, "a dir with spaces");
  mkdirSync(elsewhere);
  const moved = runPlugin(request(dir, "resource", ["x"], {}, { nodeargs: `--pwd "${elsewhere}"`, typescript: false }));
  await moved.done;
  assert.equal(moved.stdout, `args x cwd ${elsewhere} env undefined ts undefined\n`);
});

test("without @pulumi/pulumi beside the plugin, the call fails with the official host's fix", async () => {
  const dir = pluginDir("bare", { "package.json": "{}" }, false);
  const r = runPlugin(request(dir, "analyzer", []));
  await r.done;
  assert.equal(r.error, `It looks like the Pulumi SDK has not been installed. Have you run npm install in ${dir}?`);
});

test("a policy pack: the proxy's port first; ConfigureStack starts the pack with the stack as environment; calls are forwarded; cancel ends it", async () => {
  const dir = pluginDir("pack", {
    "PulumiPolicy.yaml": "runtime: nodejs\n",
    "package.json": JSON.stringify({ name: "pack", version: "1.2.3" }),
    "index.js": `require("node:fs").writeFileSync("pid", String(process.pid));
const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("probe", { policies: [{ name: "env", description: "reports what the pack was started with", enforcementLevel: "advisory",
  validateResource: (args, report) => report([process.env.PULUMI_NODEJS_PROJECT, process.env.PULUMI_NODEJS_STACK, process.env.PULUMI_NODEJS_ORGANIZATION, process.env.PULUMI_NODEJS_DRY_RUN, process.env.PULUMI_CONFIG, process.cwd()].join("|")) }] });`,
  });
  let analyzer: analyzerrpc.AnalyzerClient | undefined;
  let running!: Streamed;
  const ready = new Promise<void>((resolve) => {
    const r = runPlugin(request(dir, "analyzer", ["127.0.0.1:1234"]), (text) => {
      if (analyzer) return;
      analyzer = new analyzerrpc.AnalyzerClient(`127.0.0.1:${text.trim()}`, grpc.credentials.createInsecure());
      resolve();
    });
    running = r;
  });
  await ready;
  const unary = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req) =>
    new Promise<Res>((resolve, reject) => method.call(analyzer, req, (e, r) => (e ? reject(e) : resolve(r))));

  await unary(analyzer!.handshake, new analyzerproto.AnalyzerHandshakeRequest());
  const config = new analyzerproto.AnalyzerStackConfigureRequest();
  config.setProject("proj");
  config.setStack("dev");
  config.setOrganization("org");
  config.setDryRun(true);
  config.getConfigMap().set("talend:region", "eu");
  await unary(analyzer!.configureStack, config);

  const info = await unary<Empty, analyzerproto.AnalyzerInfo>(analyzer!.getAnalyzerInfo, new Empty());
  assert.equal(info.getName(), "probe");
  assert.equal(info.getVersion(), "1.2.3", "the pack ran in its own directory (its package.json)");
  const req = new analyzerproto.AnalyzeRequest();
  req.setType("t:m:T");
  req.setName("n");
  req.setUrn("urn:pulumi:dev::proj::t:m:T::n");
  req.setProperties(Struct.fromJavaScript({}));
  req.setOptions(new analyzerproto.AnalyzerResourceOptions());
  const resp = await unary<analyzerproto.AnalyzeRequest, analyzerproto.AnalyzeResponse>(analyzer!.analyze, req);
  const reported = resp.getDiagnosticsList()[0]!.getMessage().split("\n")[1];
  // (The engine's address comes first and the directory last: run-policy-pack drops the first and runs the last.)
  assert.equal(reported, `proj|dev|org|true|{"talend:region":"eu"}|${dir}`, "the stack as environment, the pack's directory as working directory");

  // The engine ends a policy pack by cancelling the RunPlugin call: the pack goes with it.
  const pid = Number(readFileSync(join(dir, "pid"), "utf8"));
  running.call.cancel();
  await running.done;
  analyzer!.close();
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!alive(), "the policy pack process was stopped");
});
