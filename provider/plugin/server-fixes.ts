import { dirname } from "node:path";

/**
 * The two gaps of @pulumi/pulumi's provider server (`provider/server`, 3.248 and later releases checked by the compat
 * suite), closed in one place, around the gRPC service it registers:
 * - its Configure answers without passing the configuration on: `onConfigure` gets the provider's settings
 *   (`args`, secrets unwrapped; or the `talend:config:*` variables an older engine sends) and the reference of the
 *   provider resource this process serves (selfReference), then the server answers as before (accepting secrets,
 *   resources and outputs);
 * - its Read assumes properties, which the engine does not send on `pulumi import`: an empty set is passed instead.
 * Call before `pulumi.provider.main`; it patches only the next registration of the ResourceProvider service. The
 * function returned throws if the server registered without the patch (a release that moved it to another
 * @grpc/grpc-js, say): the configuration would otherwise be dropped and every resource fail with "token is not set".
 * A release that closed the gaps itself needs nothing: the configuration is then passed twice, properties are sent.
 */
export function closeServerGaps(onConfigure: (config: Record<string, unknown>, self: string | undefined) => void): () => void {
  let closed = false;
  const serverDir = dirname(require.resolve("@pulumi/pulumi/provider/server"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [serverDir] }));
  const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [serverDir] }));
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service: unknown, impl: Record<string, Function>) {
    grpc.Server.prototype.addService = addService;
    closed = true;
    const { configure, read } = impl;
    const fixed = {
      ...bound(impl),
      configure: (call: { request: ConfigureRequest }, callback: Function) => {
        try {
          onConfigure(configOf(call.request), selfReference(call.request));
        } catch (e) {
          return callback(e);
        }
        return configure!.call(impl, call, callback);
      },
      read: (call: { request: { getProperties(): unknown; setProperties(s: unknown): void } }, callback: Function) => {
        if (!call.request.getProperties()) call.request.setProperties(new Struct());
        return read!.call(impl, call, callback);
      },
    };
    return addService.call(this, service, fixed);
  };
  return () => {
    if (!closed) throw new Error(`@pulumi/pulumi ${require("@pulumi/pulumi/package.json").version} registered its provider server without the fixes this plugin needs (provider configuration, import). Fix: install an earlier @pulumi/pulumi 3.x beside the plugin, and report this version to pulumi-talend`);
  };
}

interface ConfigureRequest {
  getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
  getUrn?(): string;
  getId?(): string;
  getVariablesMap(): { entries(): { next(): { done?: boolean; value?: [string, string] } } };
}

/** The provider's configuration by key (`token`, `region`, ...): `args` when sent, else the variables. */
export function configOf(req: ConfigureRequest): Record<string, unknown> {
  const args = req.getArgs()?.toJavaScript();
  if (args && Object.keys(args).length) return args;
  const config: Record<string, unknown> = {};
  const it = req.getVariablesMap().entries();
  for (let e = it.next(); !e.done && e.value; e = it.next()) config[e.value[0].replace(/^talend:(config:)?/, "")] = e.value[1];
  return config;
}

/**
 * The provider reference (`<urn>::<id>`) of the provider resource being configured: the engine starts one plugin
 * process per provider resource and names it in Configure (3.x engines of the last years; none before that).
 */
export function selfReference(req: ConfigureRequest): string | undefined {
  const urn = req.getUrn?.();
  const id = req.getId?.();
  return urn && id ? `${urn}::${id}` : undefined;
}

/** The service's methods bound to their object (the server's are class methods reading `this`). */
function bound(impl: Record<string, Function>): Record<string, Function> {
  const out: Record<string, Function> = {};
  for (let o = impl; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== "constructor" && typeof impl[k] === "function" && !(k in out)) out[k] = (impl[k] as Function).bind(impl);
  }
  return out;
}
