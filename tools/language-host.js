#!/usr/bin/env node
// A Pulumi language host for Node.js programs, for the locally built engine (scripts/ensure-pulumi.sh). The
// official host (Go module sdk/nodejs/cmd/pulumi-language-nodejs) is not published on the Go module proxy,
// so this one does what it does for `up`, `preview`, `refresh` and `destroy`: it serves the LanguageRuntime
// gRPC service, prints its port, and runs the program with the `cmd/run` of the program's own @pulumi/pulumi
// (the copy its `import "@pulumi/pulumi"` gets, as the official host does) — under tsx (the program's, else
// this repository's), so TypeScript programs need no build step. Config reaches the program as PULUMI_CONFIG,
// as with the official host.
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");

const repo = path.resolve(__dirname, "..");
const load = (m) => require(require.resolve(m, { paths: [repo] }));
const grpc = load("@grpc/grpc-js");
const langrpc = load("@pulumi/pulumi/proto/language_grpc_pb");
const langproto = load("@pulumi/pulumi/proto/language_pb");
const plugproto = load("@pulumi/pulumi/proto/plugin_pb");
const emptyproto = load("google-protobuf/google/protobuf/empty_pb");
const version = load("@pulumi/pulumi/package.json").version;
/** A module as the program would resolve it, else (for tools only) as this repository does. */
const resolveFor = (dir, m, fallback) => {
  try {
    return require.resolve(m, { paths: [dir] });
  } catch (e) {
    if (!fallback) throw e;
    return require.resolve(m, { paths: [repo] });
  }
};

/** cmd/run exits with 32 when the program failed and already reported why through the engine. */
const BAIL_EXIT_CODE = 32;
const children = new Set();

function run(call, callback) {
  const r = call.request;
  const info = r.getInfo();
  const pwd = r.getPwd();
  const args = [`--monitor=${r.getMonitorAddress()}`, `--project=${r.getProject()}`, `--stack=${r.getStack()}`, `--pwd=${pwd}`];
  const engine = r.getArgsList()[0];
  if (engine) args.push(`--engine=${engine}`);
  if (r.getOrganization()) args.push(`--organization=${r.getOrganization()}`);
  if (r.getDryrun()) args.push("--dry-run");
  if (r.getParallel()) args.push(`--parallel=${r.getParallel()}`);
  const root = info?.getRootDirectory() || pwd;
  args.push(`--root-directory=${root}`);
  const programDir = info?.getProgramDirectory() || pwd;
  args.push(info ? path.resolve(programDir, info.getEntryPoint() || ".") : path.resolve(pwd, r.getProgram() || "."));
  let runScript, tsx;
  try {
    runScript = resolveFor(programDir, "@pulumi/pulumi/cmd/run", false);
    tsx = resolveFor(programDir, "tsx", true);
  } catch {
    const resp = new langproto.RunResponse();
    resp.setError(`${programDir} has no node_modules/@pulumi/pulumi; run npm install @pulumi/pulumi there`);
    return callback(null, resp);
  }
  args.unshift(runScript);

  const config = Object.fromEntries(r.getConfigMap().entries());
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(r.getConfigsecretkeysList()),
    // tsx compiles TypeScript; cmd/run must not try ts-node as well.
    PULUMI_NODEJS_TYPESCRIPT: "false",
  };
  const child = spawn(process.execPath, ["--import", tsx, ...args], { cwd: pwd, env, stdio: ["ignore", "inherit", "inherit"] });
  children.add(child);
  child.on("close", (code, signal) => {
    children.delete(child);
    const resp = new langproto.RunResponse();
    if (code === BAIL_EXIT_CODE) resp.setBail(true);
    else if (code !== 0) resp.setError(`the program exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
    callback(null, resp);
  });
}

const unimplemented = (name) => (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by pulumi-talend's language host` });
const service = Object.fromEntries(Object.keys(langrpc.LanguageRuntimeService).map((name) => [name, unimplemented(name)]));
Object.assign(service, {
  run,
  getPluginInfo: (_call, cb) => cb(null, withVersion()),
  getRequiredPlugins: (_call, cb) => cb(null, new langproto.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, cb) => cb(null, new langproto.GetRequiredPackagesResponse()),
  // Dependencies are the project's own business (npm ci); nothing to install here.
  installDependencies: (call) => call.end(),
  getProgramDependencies: (_call, cb) => cb(null, new langproto.GetProgramDependenciesResponse()),
  about: (_call, cb) => {
    const resp = new langproto.AboutResponse();
    resp.setExecutable(process.execPath);
    resp.setVersion(process.version);
    cb(null, resp);
  },
  cancel: (_call, cb) => {
    for (const child of children) child.kill("SIGTERM");
    cb(null, new emptyproto.Empty());
  },
});

function withVersion() {
  const info = new plugproto.PluginInfo();
  info.setVersion(version);
  return info;
}

const server = new grpc.Server();
server.addService(langrpc.LanguageRuntimeService, service);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`pulumi-language-nodejs: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    server.forceShutdown();
    process.exit(0);
  });
}
