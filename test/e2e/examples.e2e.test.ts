import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../tools/repo-root";
import { e2eFixture, pulumiCli } from "../helpers/pulumi-engine";

const skip = pulumiCli().reason;
const example = (...p: string[]) => readFileSync(join(repoRoot(), "examples", ...p), "utf8");
const f = e2eFixture();
const starts = () => f.emulator.requests().filter((r) => r.method === "POST" && r.path === "/processing/executions").length;
const mutations = () => f.emulator.requests().filter((r) => r.method !== "GET").length;

test("examples/bootstrap: account, grant and one seed run; a new seedVersion runs it once more", { skip, timeout: 300_000 }, async () => {
  const s = await f.stack({ program: example("bootstrap", "index.ts") });
  const runs = starts();
  await s.up();
  const outs = await s.outputs();
  assert.equal(outs.seedStatus, "execution_successful");
  assert.equal(outs.clientSecret, "[secret]");
  assert.equal(starts(), runs + 1);
  await s.run(["config", "set", "seedVersion", "2"]);
  await s.up();
  assert.equal(starts(), runs + 2);
  await s.destroy();
});

test("examples/rotation: a new secret without downtime — the new account exists before the old one goes", { skip, timeout: 300_000 }, async () => {
  const s = await f.stack({ program: example("rotation", "index.ts") });
  await s.up();
  const first = await s.outputs(true);
  assert.match(first.accountName, /^etl-runner-[0-9a-f]{6}$/);
  await s.run(["config", "set", "rotation", "2026-12"]);
  const seq = f.emulator.requests().length;
  await s.up();
  const second = await s.outputs(true);
  assert.notEqual(second.clientId, first.clientId);
  assert.notEqual(second.clientSecret, first.clientSecret);
  const log = f.emulator.requests().slice(seq);
  const created = log.findIndex((r) => r.method === "POST" && r.path === "/account/service-accounts");
  const deleted = log.findIndex((r) => r.method === "DELETE" && r.path === `/account/service-accounts/${first.clientId}`);
  assert.ok(created >= 0 && deleted > created, "create before delete");
  assert.deepEqual(f.emulator.state().serviceAccounts.filter((a) => a.name.startsWith("etl-runner-")).map((a) => a.id), [second.clientId]);
  await s.destroy();
});

test("examples/multi-env: one stack per environment from the example's stack files", { skip, timeout: 300_000 }, async () => {
  for (const stack of ["dev", "prod"]) {
    const s = await f.stack({ program: example("multi-env", "index.ts"), project: "talend-multi-env", stack, files: { [`Pulumi.${stack}.yaml`]: example("multi-env", `Pulumi.${stack}.yaml`) } });
    await s.up();
    const outs = await s.outputs();
    assert.equal(outs.environmentName, stack === "dev" ? "development" : "production");
    const account = f.emulator.state().serviceAccounts.find((a) => a.name === `ci-runner-${stack}`)!;
    const grant = f.emulator.state().workspacePermissions.find((p) => p.serviceAccountId === account.id)!;
    const ws = f.emulator.state().workspaces.find((w) => w.id === grant.workspaceId)!;
    assert.equal(f.emulator.state().environments.find((e) => e.id === ws.environmentId)!.name, outs.environmentName);
    await s.destroy();
  }
});

test("examples/ci-preview: a pull-request preview shows the changes and changes nothing", { skip, timeout: 300_000 }, async () => {
  assert.match(example("ci-preview", "workflow.yml"), /command: preview/);
  const s = await f.stack({ program: example("ci-preview", "index.ts") });
  const before = mutations();
  const plan = await s.preview();
  assert.equal(mutations(), before, "no POST, PUT or DELETE");
  const created = plan.steps.filter((step) => step.op === "create").map((step) => step.urn.split("::")[2]!.split("$").pop()).sort();
  assert.deepEqual(created, [
    "pulumi-nodejs:dynamic/talend:ServiceAccount",
    "pulumi-nodejs:dynamic/talend:ServiceAccountIntent",
    "pulumi-nodejs:dynamic/talend:TaskExecution",
    "pulumi-nodejs:dynamic/talend:TaskExecutionIntent",
    "pulumi-nodejs:dynamic/talend:TaskRunner",
    "pulumi-nodejs:dynamic/talend:WorkspacePermission",
    "pulumi:pulumi:Stack",
  ], "the preview shows exactly what up will create: the runner, its account, grant and run, and their intents");
});

test("README quickstart snippet runs as written (against the emulator instead of a region)", { skip, timeout: 300_000 }, async () => {
  const readme = readFileSync(join(repoRoot(), "README.md"), "utf8");
  const snippet = /## Quickstart[^]*?```ts\n([^]*?)```/.exec(readme)?.[1];
  assert.ok(snippet, "the quickstart has a TypeScript snippet");
  const s = await f.stack({ program: snippet! });
  const runs = starts();
  await s.up();
  assert.equal(starts(), runs + 1);
  assert.equal(f.emulator.state().executions.at(-1)!.status, "execution_successful");
  assert.equal((await s.outputs()).clientSecret, "[secret]");
  await s.destroy();
});
