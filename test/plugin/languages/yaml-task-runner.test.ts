import assert from "node:assert/strict";
import { after, test } from "node:test";
import { DEFAULT_TASKS_AND_PLANS_EDIT } from "../../../emulator";
import { e2eFixture } from "../../helpers/pulumi-engine";
import { holdingProxy } from "./holding-proxy";
import { resumeOnFreshMachine, upKilledAfter, yamlHost, yamlProject, yamlStack } from "./yaml-stack";

// talend:index:TaskRunner through the real CLI, the YAML language host and the provider plugin: one declaration gives
// the account, its grants and its run, as the pairs the TypeScript class declares (provider/task-runner.ts).
const skip = yamlHost().reason;
const f = e2eFixture();
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET" && r.path !== "/security/oauth/token").length;
const starts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions");
const accounts = (name: string) => f.emulator.state().serviceAccounts.filter((a) => a.name === name);

/** A runner with a run; with `more`, another run as its account after the whole runner (docs/languages.md). */
const program = (project: string, more = false) => `${yamlProject(project)}config:
  trigger:
    type: string
    default: "1"
resources:
  ci:
    type: talend:index:TaskRunner
    properties:
      name: ${project.replace("talend-yaml-", "yamlrun-")}
      workspaces:
        - workspace: ops
          environment: development
        - workspace: analytics
          environment: development
          permissions: [EXECUTE, VIEW]
      run:
        task: seed-database
        workspace: ops
        environment: development
        triggers:
          - \${trigger}
        pollIntervalSeconds: 1
${more ? MORE : ""}outputs:
  clientId: \${ci.clientId}
  clientSecret: \${ci.clientSecret}
  executionId: \${ci.executionId}
  status: \${ci.status}
`;

const MORE = `  more:
    type: talend:index:TaskExecution
    properties:
      task: seed-database
      workspace: ops
      environment: development
      clientId: \${ci.clientId}
      clientSecret: \${ci.clientSecret}
      triggers: [once]
      pollIntervalSeconds: 1
    options:
      dependsOn:
        - \${ci}
`;

/** The runner's children as `<type> <name>`, each checked to be under the runner. */
const CHILDREN = [
  "ServiceAccountIntent ci",
  "ServiceAccountResource ci",
  "TaskExecutionIntent ci",
  "TaskExecutionResource ci",
  "WorkspacePermission ci-analytics-development",
  "WorkspacePermission ci-ops-development",
];

const typeAndName = (urn: string) => `${urn.split("::")[2]!.split("$").pop()!.replace("talend:index:", "")} ${urn.split("::").pop()}`;

test("Pulumi YAML: a TaskRunner declares its account, grants and run through the provider plugin; another run can follow it", { skip, timeout: 1_200_000 }, async (t) => {
  const stack = await yamlStack(f, program("talend-yaml-ci", true));

  await t.test("preview sends no mutating request and shows the runner with its children", async () => {
    const before = mutations();
    const plan = await stack.preview();
    assert.equal(mutations(), before, "no POST/PUT/PATCH/DELETE during preview");
    const created = plan.steps.filter((s) => s.op === "create").map((s) => typeAndName(s.urn));
    for (const child of ["TaskRunner ci", ...CHILDREN]) assert.ok(created.includes(child), `preview creates ${child}: ${created.join(", ")}`);
  });

  let secret = "";
  await t.test("up creates the account with both grants and runs the task once, as the account", async () => {
    assert.equal((await stack.up()).code, 0);
    const [account, ...more] = accounts("yamlrun-ci");
    assert.deepEqual(more, [], "one account");
    assert.deepEqual([...account!.permissions].sort(), ["TMC_ENGINE_USE", DEFAULT_TASKS_AND_PLANS_EDIT], "engine use and Tasks and Plans - Edit (its ID from the catalogue)");
    const grants = f.emulator.state().workspacePermissions.filter((g) => g.serviceAccountId === account!.id);
    const workspaceName = (id: string) => f.emulator.state().workspaces.find((w) => w.id === id)!.name;
    assert.deepEqual(grants.map((g) => `${workspaceName(g.workspaceId)}: ${[...g.permissions].sort().join(",")}`).sort(), ["analytics: EXECUTE,VIEW", "ops: EXECUTE"]);
    assert.equal(starts().length, 2, "the runner's run and the other run, once each");
    for (const start of starts()) assert.deepEqual(start.principal, { kind: "service-account", id: account!.id }, "as the runner's account");
    const out = await stack.outputs(true);
    assert.equal(out.clientId, account!.id);
    assert.equal(out.status, "execution_successful");
    assert.ok(f.emulator.state().executions.some((e) => e.executionId === out.executionId), "executionId is the run's id in Talend");
    secret = out.clientSecret;
    assert.equal(secret, account!.secret);
  });

  await t.test("the children are the TypeScript runner's pairs, under the runner; no secret in plaintext state", async () => {
    const state = await stack.exportState();
    const resources = state.deployment.resources as Array<{ urn: string; type: string; parent?: string }>;
    const runner = resources.find((r) => r.type === "talend:index:TaskRunner")!;
    assert.deepEqual(resources.filter((r) => r.parent === runner.urn).map((r) => typeAndName(r.urn)).sort(), CHILDREN);
    assert.ok(!JSON.stringify(state).includes(secret), "the client secret is not in plaintext state");
    assert.notEqual((await stack.outputs(false)).clientSecret, secret, "clientSecret is a secret output");
  });

  await t.test("preview after up shows no change and sends nothing", async () => {
    const before = mutations();
    const plan = await stack.preview();
    assert.equal(mutations(), before);
    assert.deepEqual(plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`), []);
  });

  await t.test("a new trigger runs the task exactly once more; up again runs nothing", async () => {
    await stack.run(["config", "set", "trigger", "2"]);
    const plan = await stack.preview();
    assert.deepEqual(plan.steps.filter((s) => s.op === "replace").map((s) => typeAndName(s.urn)).sort(), ["TaskExecutionIntent ci", "TaskExecutionResource ci"], "only the run is replaced");
    assert.equal((await stack.up()).code, 0);
    assert.equal(starts().length, 3);
    assert.equal((await stack.up()).code, 0);
    assert.equal(starts().length, 3);
    assert.equal(accounts("yamlrun-ci").length, 1, "the account stays");
  });

  await t.test("a catalogue that cannot tell 'Tasks and Plans - Edit' fails preview with one message and its fix", async () => {
    await stack.run(["config", "set", "talend:tasksAndPlansEditPermission", "TMC_NOT_THERE"]);
    const r = await stack.run(["preview", "--non-interactive"], { allowFailure: true });
    await stack.run(["config", "rm", "talend:tasksAndPlansEditPermission"]);
    assert.notEqual(r.code, 0);
    const text = `${r.stdout}\n${r.stderr}`;
    assert.match(text, /TaskRunner "ci": cannot tell which permission ID is "Tasks and Plans - Edit": the configured ID "TMC_NOT_THERE"/);
    assert.match(text, /Fix: pulumi config set talend:tasksAndPlansEditPermission/);
    // The CLI repeats a diagnostic on the resource's progress row; the Diagnostics section lists each once.
    const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"));
    assert.equal(diagnostics.match(/error: /g)?.length, 1, `one error in:\n${diagnostics}`);
    assert.equal(diagnostics.match(/cannot tell which permission ID/g)?.length, 1, `listed once in:\n${diagnostics}`);
    assert.doesNotMatch(text, /\n\s+at /, "no stack trace");
  });

  await t.test("destroy leaves Talend without the account or its grants", async () => {
    const id = accounts("yamlrun-ci")[0]!.id;
    assert.equal((await stack.destroy()).code, 0);
    assert.deepEqual(accounts("yamlrun-ci"), []);
    assert.deepEqual(f.emulator.state().workspacePermissions.filter((g) => g.serviceAccountId === id), []);
    assert.equal(starts().length, 3, "destroy runs nothing");
  });
});

const proxies: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const p of proxies) await p.close();
});

test("Pulumi YAML: a TaskRunner killed after its run's POST, resumed on a fresh HOME: one account, one run", { skip, timeout: 900_000 }, async () => {
  const proxy = await holdingProxy(f.emulator.url);
  proxies.push(proxy);
  const stack = await yamlStack(f, program("talend-yaml-crash"), { config: { "talend:endpoint": proxy.url } });
  const before = starts().length;
  await upKilledAfter(stack, proxy, (method, path) => method === "POST" && path === "/processing/executions");
  assert.equal(starts().length, before + 1, "Talend started the run before the kill");
  await resumeOnFreshMachine(stack);
  const r = await stack.up({ allowFailure: true });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(starts().length, before + 1, "the resumed up adopted the run instead of starting another");
  assert.equal(accounts("yamlrun-crash").length, 1, "one account");
  assert.equal((await stack.outputs()).status, "execution_successful");
  assert.equal((await stack.destroy()).code, 0);
  assert.deepEqual(accounts("yamlrun-crash"), []);
});
