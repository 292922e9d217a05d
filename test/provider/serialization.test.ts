// What every resource carries in state as `__provider`, and what it costs the program to produce it. Fast: runtime
// mocks and the dynamic-provider host's own loader (require-from-string), no CLI, no network.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as closure from "@pulumi/pulumi/runtime/closure/serializeClosure";
import { ServiceAccount, TaskExecution, WorkspacePermission } from "../../provider";
import { shimText } from "../../provider/shim";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler(): pulumi.dynamic.ResourceProvider } = require("require-from-string");

/**
 * Budget for one shim text. It is stored twice per resource (inputs and outputs, where its 4 quotes are escaped),
 * and the state goal is 2.5 KB per resource, of which the rest of a grant's or an account's entry (URN, type,
 * inputs, outputs, dependencies, the SDK's stack trace) measures ~1.9 KB: 2 × (128 + 4) B keeps the provider
 * under half of what is left. The text is 71 B plus the kind's name, so kinds up to 57 characters fit.
 */
const SHIM_BUDGET_BYTES = 128;

const registered: Array<{ type: string; provider: unknown }> = [];
const serializeFunction = closure.serializeFunction;
let closureSerializations = 0;

before(async () => {
  // pulumi.dynamic.Resource serializes its provider with this function (through its providerCache); count calls.
  (closure as { serializeFunction: typeof serializeFunction }).serializeFunction = (...a) => {
    closureSerializations++;
    return serializeFunction(...a);
  };
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, provider: args.inputs.__provider });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => {
        throw new Error("no invokes expected");
      },
    },
    "proj",
    "stack",
    false,
  );
});
after(() => {
  (closure as { serializeFunction: typeof serializeFunction }).serializeFunction = serializeFunction;
});

test("a program with many resources serializes nothing: every resource of a type carries the same small text", async () => {
  const K = 50;
  const resources: pulumi.Resource[] = [];
  for (let i = 0; i < K; i++) {
    const sa = new ServiceAccount(`sa-${i}`, { name: `sa-${i}`, permissions: ["TMC_ENGINE_USE"] });
    assert.ok(sa instanceof pulumi.CustomResource && !(sa instanceof pulumi.dynamic.Resource), "the host's contract is met directly, not through pulumi.dynamic.Resource");
    resources.push(sa, sa.intent);
    for (const ws of ["w1", "w2"]) resources.push(new WorkspacePermission(`sa-${i}-${ws}`, { serviceAccountId: sa.clientId, workspaceId: ws, permissions: ["EXECUTE"] }));
    if (i === 0) {
      const run = new TaskExecution("run", { task: "t", workspace: "w", environment: "e", clientId: sa.clientId, clientSecret: sa.clientSecret });
      resources.push(run, run.request);
    }
  }
  // Registered once each resource's id has resolved (mocks answer every registration).
  await Promise.all(resources.map((r) => new Promise((resolve) => (r as pulumi.CustomResource).id.apply(resolve))));
  assert.equal(registered.length, 4 * K + 2, "accounts with an intent each, grants, the run and its request");
  assert.equal(closureSerializations, 0, `Pulumi's closure serializer ran ${closureSerializations} times`);
  const byType = new Map<string, Set<unknown>>();
  for (const r of registered) byType.set(r.type, (byType.get(r.type) ?? new Set()).add(r.provider));
  assert.deepEqual([...byType.keys()].sort(), [
    "pulumi-nodejs:dynamic/talend:ServiceAccount",
    "pulumi-nodejs:dynamic/talend:ServiceAccountIntent",
    "pulumi-nodejs:dynamic/talend:TaskExecution",
    "pulumi-nodejs:dynamic/talend:TaskExecutionIntent",
    "pulumi-nodejs:dynamic/talend:WorkspacePermission",
  ]);
  for (const [type, texts] of byType) {
    assert.equal(texts.size, 1, `${type}: ${texts.size} different provider texts`);
    assert.equal([...texts][0], shimText(type.split(":").pop()!), "the text names the resource's own type");
  }
});

test("shim texts that state written before 0.2.0 holds still load: their read and delete forward to today's intents", async () => {
  for (const former of ["Intent", "AccountsIntent"]) {
    const provider = requireFromString(`exports.handler=()=>require("pulumi-talend/dynamic").provider(${JSON.stringify(former)})`).handler();
    const props = former === "Intent" ? { key: "k", at: 1 } : { members: { a: "k" }, at: { a: 1 } };
    assert.deepEqual(await provider.read!("id", props), { id: "id", props }, former);
    await provider.delete!("id", props);
  }
});

test("the stack recorded for a resource is where the program declared it, and construction leaves Error's settings as they were", async () => {
  const recorded: Array<Array<{ uri: string } | undefined>> = [];
  const R = pulumi.Resource as unknown as { stackTrace(skip: number): Array<{ uri: string } | undefined> };
  const stackTrace = R.stackTrace;
  R.stackTrace = (skip) => {
    const frames = stackTrace(skip + 1); // + this wrapper's frame
    recorded.push(frames);
    return frames;
  };
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  try {
    const sa = new ServiceAccount("sa-stack", { name: "sa-stack" }); // creates its intent too
    new WorkspacePermission("sa-stack-ws", { serviceAccountId: sa.clientId, workspaceId: "w", permissions: ["EXECUTE"] });
  } finally {
    R.stackTrace = stackTrace;
  }
  assert.equal(Error.stackTraceLimit, limit);
  assert.equal(Error.prepareStackTrace, prepare);
  assert.equal(recorded.length, 3);
  for (const frames of recorded) {
    assert.match(frames[0]?.uri ?? "", /serialization\.test\.js$/, `the source position is this test's line, got ${JSON.stringify(frames[0])}`);
    assert.ok(!frames.some((f) => f?.uri.includes("/dist/provider/") || f?.uri.includes("/node_modules/")), JSON.stringify(frames));
  }
  // A mistake the SDK rejects during construction still says where it was made.
  const thrown = (() => {
    try {
      new ServiceAccount("sa-bad-parent", { name: "x" }, { parent: {} as pulumi.Resource });
    } catch (e) {
      return e as Error;
    }
  })();
  assert.match(thrown?.message ?? "", /parent is not a valid Resource/);
  assert.match(thrown!.stack!, /serialization\.test\.js/, thrown!.stack);
  assert.equal(Error.stackTraceLimit, limit);
  // What @pulumi/pulumi would have recorded without it: its first frame is the resource class, not the caller.
  const plain = new Error().stack!.split("\n").length;
  assert.ok(plain > 3, "control: this process captures real stacks");
});

test("control: the spy sees pulumi.dynamic.Resource's serializations (once per provider object), so the 0 above is real", async () => {
  class Control extends pulumi.dynamic.Resource {}
  const before = closureSerializations;
  const provider: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "x" }) };
  for (let i = 0; i < 3; i++) new Control(provider, `control-${i}`, {}, undefined, "talend", "Control");
  new Control({ create: async () => ({ id: "y" }) }, "control-other", {}, undefined, "talend", "Control");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(closureSerializations - before, 2, "one serialization per distinct provider object");
});

test(`the shim text stays within ${SHIM_BUDGET_BYTES} B and holds no implementation and no credential`, () => {
  for (const kind of ["ServiceAccount", "WorkspacePermission", "TaskExecution", "ServiceAccountIntent", "TaskExecutionIntent"]) {
    const text = shimText(kind);
    assert.ok(Buffer.byteLength(text) <= SHIM_BUDGET_BYTES, `${kind}: ${Buffer.byteLength(text)} B`);
    assert.match(text, /require\("pulumi-talend\/dynamic"\)/);
    assert.doesNotMatch(text, /token|secret|zod|undici|Talend[A-Z]/i);
  }
});

test("the host's loader turns the text into a provider with every method, forwarding to the installed code", async () => {
  const provider = requireFromString(shimText("ServiceAccount")).handler();
  for (const m of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) assert.equal(typeof provider[m], "function", m);
  const checked = await provider.check!({}, { name: "", __provider: shimText("ServiceAccount") });
  assert.equal(checked.failures?.[0]?.property, "name");
  assert.match(checked.failures![0]!.reason, /ServiceAccount\.name: must not be empty/);
});

test("state written by 0.1.0 (a closure-serialized shim per resource) still loads and forwards", async () => {
  // The provider 0.1.0 stored, made and serialized exactly as it was; refresh and destroy of old stacks use it.
  const kind = "ServiceAccount";
  const legacy: pulumi.dynamic.ResourceProvider = {
    configure: (...a) => require("pulumi-talend/dynamic").configure(...a),
    check: (...a) => require("pulumi-talend/dynamic").handler(kind).check(...a),
    diff: (...a) => require("pulumi-talend/dynamic").handler(kind).diff(...a),
    create: (...a) => require("pulumi-talend/dynamic").handler(kind).create(...a),
    read: (...a) => require("pulumi-talend/dynamic").handler(kind).read(...a),
    update: (...a) => require("pulumi-talend/dynamic").handler(kind).update(...a),
    delete: (...a) => require("pulumi-talend/dynamic").handler(kind).delete(...a),
  };
  const text = (await serializeFunction(() => legacy, { allowSecrets: true })).text;
  assert.ok(text.length > 10 * shimText(kind).length, `closure-serialized: ${text.length} B, shim: ${shimText(kind).length} B`);
  const checked = await requireFromString(text).handler().check!({}, { name: "" });
  assert.equal(checked.failures?.[0]?.property, "name");
});
