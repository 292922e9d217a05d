#!/usr/bin/env node
// A Pulumi language host for Node.js programs, for the locally built engine (scripts/ensure-pulumi.sh). The
// official host (Go module sdk/nodejs/cmd/pulumi-language-nodejs) is not published on the Go module proxy,
// so this one does what it does for `up`, `preview`, `refresh` and `destroy`: it serves the LanguageRuntime
// gRPC service, prints its port, and runs the program with the `cmd/run` of the program's own @pulumi/pulumi
// (the copy its `import "@pulumi/pulumi"` gets, as the official host does) — under tsx (the program's, else
// this repository's), so TypeScript programs need no build step. Config reaches the program as PULUMI_CONFIG,
// as with the official host. RunPlugin starts plugins written in Node.js (policy packs, PulumiPlugin.yaml
// plugins) as the official host does.
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");

const repo = path.resolve(__dirname, "..");
const load = (m) => require(require.resolve(m, { paths: [repo] }));
const grpc = load("@grpc/grpc-js");
const langrpc = load("@pulumi/pulumi/proto/language_grpc_pb");
const langproto = load("@pulumi/pulumi/proto/language_pb");
const plugproto = load("@pulumi/pulumi/proto/plugin_pb");
const analyzerrpc = load("@pulumi/pulumi/proto/analyzer_grpc_pb");
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

/**
 * RunPlugin, as the official host's (sdk/nodejs/cmd/pulumi-language-nodejs, RunPlugin): node runs the plugin
 * directory with `@pulumi/pulumi/cmd/run-policy-pack` (a policy pack: arguments, then the directory; working
 * directory the pack's) or `cmd/run-plugin` (the directory, then the arguments), each resolved from that
 * directory; output is streamed back; a non-zero exit ends the call with an error.
 */
function runPlugin(call) {
  const r = call.request;
  const programDir = r.getInfo().getProgramDirectory();
  const isPolicyPack = r.getKind() === "analyzer";
  const send = (set) => (chunk) => {
    const resp = new langproto.RunPluginResponse();
    resp[set](chunk);
    call.write(resp);
  };
  const stdout = send("setStdout");
  const stderr = send("setStderr");
  const fail = (message) => call.emit("error", { code: grpc.status.UNKNOWN, details: message });
  let options;
  try {
    options = pluginOptions(r.getInfo().getOptions()?.toJavaScript() ?? {});
    if (r.getAttachDebugger()) throw new Error("attaching a debugger is not supported by pulumi-talend's language host");
  } catch (e) {
    return fail(e.message);
  }
  let runPath = isPolicyPack ? "@pulumi/pulumi/cmd/run-policy-pack" : process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || "@pulumi/pulumi/cmd/run-plugin";
  try {
    runPath = require.resolve(runPath, { paths: [programDir] });
  } catch {
    return fail(`It looks like the Pulumi SDK has not been installed. Have you run npm install in ${programDir}?`);
  }
  // Later entries win, as with Go's exec.Cmd.Env.
  const env = Object.fromEntries(r.getEnvList().map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const args = [runPath, ...options.nodeargs, ...(isPolicyPack ? [...r.getArgsList(), programDir] : [programDir, ...r.getArgsList()])];
  const start = (proxy) => {
    const child = spawn(process.execPath, args, { cwd: isPolicyPack ? programDir : r.getPwd(), env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    call.on("cancelled", () => child.kill("SIGKILL"));
    child.stderr.on("data", stderr);
    if (proxy) proxy.attach(child, stdout);
    else child.stdout.on("data", stdout);
    child.on("close", (code, signal) => {
      children.delete(child);
      proxy?.close();
      if (code === 0) call.end();
      else fail(signal ? `Program exited unexpectedly: signal: ${signal}` : `Program exited with non-zero exit code: ${code}`);
    });
  };
  if (!isPolicyPack) return start();
  // The engine talks to a proxy first, as with the official host (sdk/policy_proxy.go): it hands over the
  // stack's configuration, which reaches the pack as environment variables, and every other call is forwarded
  // to the pack once it runs.
  const proxy = policyProxy(stdout);
  call.on("cancelled", () => proxy.close());
  proxy.configuration.then((config) => {
    if (config) {
      const set = (k, v) => v && (env[k] = v);
      set("PULUMI_NODEJS_ORGANIZATION", config.getOrganization());
      set("PULUMI_NODEJS_PROJECT", config.getProject());
      set("PULUMI_NODEJS_STACK", config.getStack());
      set("PULUMI_NODEJS_DRY_RUN", String(config.getDryRun()));
      const stackConfig = config.getConfigMap();
      if (stackConfig.getLength()) set("PULUMI_CONFIG", JSON.stringify(Object.fromEntries(stackConfig.entries())));
    }
    if (!call.cancelled) start(proxy);
  }, (e) => fail(`could not start policy pack proxy: ${e.message}`));
}

/** The runtime options of PulumiPolicy.yaml / PulumiPlugin.yaml the official host reads for RunPlugin. */
function pluginOptions(o) {
  if (o.typescript !== undefined && typeof o.typescript !== "boolean") throw new Error("typescript option must be a boolean");
  if (o.tsconfig !== undefined && typeof o.tsconfig !== "string") throw new Error("tsconfigpath option must be a string");
  if (o.nodeargs !== undefined && typeof o.nodeargs !== "string") throw new Error("nodeargs option must be a string");
  return { typescript: o.typescript ?? true, tsconfig: o.tsconfig, nodeargs: splitArgs(o.nodeargs ?? "") };
}

/** Shell-like word splitting (quotes and backslashes), as github.com/google/shlex does for `nodeargs`. */
function splitArgs(text) {
  const words = [];
  let word;
  let quote;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word ??= "";
      if (c === '"' || c === "'") quote = c;
      else if (c === "\\" && i + 1 < text.length) word += text[++i];
      else word += c;
    }
  }
  if (quote) throw new Error(`nodeargs: unterminated ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The Analyzer service the engine connects to before the policy pack runs: Handshake and ConfigureStack are
 * answered here (the configuration starts the pack); any other call first settles the configuration as none,
 * then waits for the pack and is forwarded to it. `attach` reads the pack's port from its first line of output.
 */
function policyProxy(stdout) {
  const deferred = () => {
    let resolve, reject;
    const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
  const configuration = deferred();
  const client = deferred();
  client.promise.catch(() => {});
  const Client = grpc.makeGenericClientConstructor(analyzerrpc.AnalyzerService, "Analyzer");
  const forward = (name) => (call, callback) => {
    configuration.resolve(undefined);
    client.promise.then(
      (c) => c[name](call.request, callback),
      (e) => callback({ code: grpc.status.UNKNOWN, details: `policy pack not started: ${e.message}` }),
    );
  };
  const service = Object.fromEntries(Object.keys(analyzerrpc.AnalyzerService).map((name) => [name, forward(name)]));
  service.handshake = (_call, callback) => callback(null, new analyzerrpc.AnalyzerService.handshake.responseType());
  service.configureStack = (call, callback) => {
    configuration.resolve(call.request);
    callback(null, new analyzerrpc.AnalyzerService.configureStack.responseType());
  };
  const server = new grpc.Server();
  server.addService(analyzerrpc.AnalyzerService, service);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) configuration.reject(err);
    else stdout(Buffer.from(`${port}\n`));
  });
  let connected;
  return {
    configuration: configuration.promise,
    attach(child, stdout) {
      let pending = "";
      const onData = (chunk) => {
        pending += chunk.toString("utf8");
        const newline = pending.indexOf("\n");
        if (newline < 0) return;
        child.stdout.off("data", onData);
        child.stdout.on("data", stdout);
        const rest = pending.slice(newline + 1);
        if (rest) stdout(Buffer.from(rest));
        const port = Number.parseInt(pending.slice(0, newline), 10);
        if (!Number.isInteger(port)) return client.reject(new Error(`could not read policy pack port: ${JSON.stringify(pending.slice(0, newline))}`));
        connected = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        configuration.promise.then((config) => {
          if (!config) return client.resolve(connected);
          connected.configureStack(config, (e) => {
            // Older policy packs do not implement ConfigureStack.
            if (e && e.code !== grpc.status.UNIMPLEMENTED) client.reject(new Error(`policy pack configuration failed: ${e.details ?? e.message}`));
            else client.resolve(connected);
          });
        });
      };
      child.stdout.on("data", onData);
      child.on("close", () => client.reject(new Error("the policy pack exited")));
    },
    close() {
      connected?.close();
      server.forceShutdown();
    },
  };
}

const unimplemented = (name) => (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by pulumi-talend's language host` });
const service = Object.fromEntries(Object.keys(langrpc.LanguageRuntimeService).map((name) => [name, unimplemented(name)]));
Object.assign(service, {
  run,
  runPlugin,
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
