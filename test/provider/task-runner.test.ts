// The TaskRunner's body (provider/task-runner.ts), shared by the TypeScript class and the provider plugin's component:
// which resources it declares, named how, with which inputs and options — over recording parts, as each host's
// resource types receive them.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { constructTaskRunner } from "../../provider/plugin/components";
import { type TaskRunnerArgs, declareTaskRunner, tasksAndPlansEditOf } from "../../provider/task-runner";

interface Declared {
  kind: "account" | "grant" | "run";
  name: string;
  args: Record<string, any>;
  opts: pulumi.CustomResourceOptions;
}

const settled = <T>(v: pulumi.Input<T>) => new Promise<T>((resolve) => pulumi.output(v).apply((x) => resolve(x as T)));

function declare(args: TaskRunnerArgs, opts: pulumi.CustomResourceOptions = {}) {
  const declared: Declared[] = [];
  const resource = (kind: Declared["kind"], name: string, a: object, o: pulumi.CustomResourceOptions) => {
    declared.push({ kind, name, args: a, opts: o });
    return { kind, name } as unknown as pulumi.Resource;
  };
  const runner = declareTaskRunner("ci", args, opts, {
    tasksAndPlansEdit: pulumi.output("TMC_EDIT"),
    account: (n, a, o) => Object.assign(resource("account", n, a, o), { clientId: pulumi.output("acc-1"), clientSecret: pulumi.secret<string | undefined>("s3cret") }),
    grant: (n, a, o) => resource("grant", n, a, o),
    run: (n, a, o) => Object.assign(resource("run", n, a, o), { executionId: pulumi.output("exec-1"), status: pulumi.output("execution_successful") }),
  });
  return { runner, declared };
}

test("one account named like the runner, with engine use, Tasks and Plans - Edit and the extra permissions", async () => {
  const { declared } = declare({ name: "ci-runner", workspaces: [], extraPermissions: ["AUDIT_LOGS_VIEW"], rotateSecret: "r1" });
  const [account, ...rest] = declared;
  assert.deepEqual(rest, []);
  assert.equal(account!.name, "ci");
  assert.equal(account!.args.name, "ci-runner");
  assert.equal(account!.args.rotateSecret, "r1");
  assert.deepEqual(await settled(account!.args.permissions), ["TMC_ENGINE_USE", "TMC_EDIT", "AUDIT_LOGS_VIEW"]);
  // An operator flag from another resource (the plugin receives Outputs) counts as given.
  const operator = declare({ name: "ci-runner", workspaces: [], operator: pulumi.output(true) }).declared[0]!;
  assert.deepEqual(await settled(operator.args.permissions), ["TMC_OPERATOR", "TMC_EDIT"]);
});

test("a grant per workspace, named by workspace (else by position), EXECUTE by default, aliased from 0.1.0's names", async () => {
  const workspaceId = pulumi.output("ws-from-lookup");
  const { declared } = declare({ name: "n", workspaces: [{ workspace: "ops", environment: "development" }, { workspaceId: "ws-9", permissions: ["EXECUTE", "VIEW"] }, { workspaceId }] }, { version: "1.2.3" });
  const grants = declared.filter((d) => d.kind === "grant");
  assert.deepEqual(grants.map((g) => g.name), ["ci-ops-development", "ci-ws-9", "ci-ws2"]);
  assert.deepEqual(grants.map((g) => g.opts.aliases), [[{ name: "ci-ws0" }], [{ name: "ci-ws1" }], [{ name: "ci-ws2" }]]);
  assert.deepEqual(grants.map((g) => g.args.permissions), [["EXECUTE"], ["EXECUTE", "VIEW"], ["EXECUTE"]]);
  for (const g of grants) {
    assert.equal(await settled(g.args.serviceAccountId), "acc-1", "the runner's account");
    assert.equal(g.opts.version, "1.2.3", "the host's options reach every resource");
  }
  assert.equal(grants[2]!.args.workspaceId, workspaceId);
});

test("the run: named like the runner, as its account, after every grant and what the host depends on", async () => {
  const earlier = { earlier: true } as unknown as pulumi.Resource;
  const { runner, declared } = declare({ name: "n", workspaces: [{ workspaceId: "a" }, { workspaceId: "b" }], run: { task: "seed", workspace: "ops", environment: "development", triggers: ["1"] } }, { dependsOn: [earlier] });
  const run = declared.find((d) => d.kind === "run")!;
  assert.equal(run.name, "ci");
  assert.equal(run.args.task, "seed");
  assert.deepEqual(run.args.triggers, ["1"]);
  assert.equal(await settled(run.args.clientId), "acc-1");
  assert.equal(await settled(run.args.clientSecret), "s3cret");
  assert.deepEqual(run.opts.dependsOn, [...runner.grants, earlier]);
  assert.deepEqual(runner.grants.map((g) => (g as unknown as Declared).name), ["ci-a", "ci-b"]);
  assert.equal(await settled(runner.outputs.executionId), "exec-1");
  assert.equal(await settled(runner.outputs.status), "execution_successful");
  assert.equal(await settled(runner.outputs.clientId), "acc-1");
});

test("without a run: no run, and the run outputs are empty", async () => {
  const { runner, declared } = declare({ name: "n", workspaces: [{ workspaceId: "a" }] });
  assert.equal(declared.filter((d) => d.kind === "run").length, 0);
  assert.equal(runner.execution, undefined);
  assert.equal(await settled(runner.outputs.executionId), undefined);
});

test("Tasks and Plans - Edit: the catalogue's ID, else the host's error with the fix", () => {
  const catalog = { ids: [], undocumented: ["TMC_X"], tasksAndPlansEditReason: "no catalogue ID looks like it" };
  assert.equal(tasksAndPlansEditOf({ ...catalog, tasksAndPlansEdit: "TMC_X" }, "ci", (m) => new Error(m)), "TMC_X");
  assert.throws(() => tasksAndPlansEditOf(catalog, "ci", (m) => new RangeError(m)), (e: Error) => e instanceof RangeError && /^TaskRunner "ci": cannot tell .* Fix: pulumi config set talend:tasksAndPlansEditPermission/.test(e.message));
});

test("the plugin refuses workspaces or a run it cannot count or spread, naming the input", async () => {
  const catalog = Promise.resolve({ ids: [], undocumented: [], tasksAndPlansEdit: "TMC_EDIT", tasksAndPlansEditReason: "" });
  const refused = (inputs: pulumi.Inputs) => constructTaskRunner("ci", { name: "n", ...inputs }, {}, { version: "0.0.0" }, catalog).then(() => assert.fail("constructed"), (e) => e);
  const workspaces = await refused({ workspaces: pulumi.output([{ workspaceId: "a" }]) });
  assert.ok(pulumi.InputPropertyError.isInstance(workspaces));
  assert.equal(workspaces.propertyPath, "workspaces");
  const run = await refused({ workspaces: [], run: pulumi.secret({ task: "t" }) });
  assert.equal(run.propertyPath, "run");
});
