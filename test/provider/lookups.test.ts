import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { getEnvironment, getPermissionCatalog, getPermissionCatalogOutput, getTask, getTaskOutput, getWorkspace, getWorkspaceOutput } from "../../provider/lookups";
import { checkTask } from "../../provider/name-checks";
import { ProgramContext, resetProgramContext } from "../../provider/program-context";
import { Context } from "../../provider/context";
import { exactlyOne } from "../../sdk/find-by-name";

let emu: TalendEmulator;
before(async () => {
  emu = await startEmulator();
  // Outside a Pulumi program, lookups fall back to the environment, like the provider.
  process.env.TALEND_ENDPOINT = emu.url;
  process.env.TALEND_TOKEN = "emulator-admin-pat";
});
beforeEach(() => resetProgramContext());
after(async () => {
  delete process.env.TALEND_ENDPOINT;
  delete process.env.TALEND_TOKEN;
  resetProgramContext();
  await emu.close();
});

const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => (o as any).promise();
const requestsDuring = async (work: () => Promise<unknown>): Promise<number> => {
  const start = emu.requests().length;
  await work();
  return emu.requests().length - start;
};

test("lookups find exactly one object, by name within its environment and workspace", async () => {
  assert.equal((await getEnvironment({ name: "production" })).name, "production");
  const ws = await getWorkspace({ name: "ops", environment: "production" });
  assert.equal(ws.environment.name, "production");
  const dev = await getWorkspace({ name: "ops", environment: "development" });
  assert.notEqual(dev.id, ws.id, "two workspaces named ops are told apart by environment");
  const t = await getTask({ name: "seed-database", workspace: "ops", environment: "production" });
  assert.equal(t.workspaceId, ws.id);
  assert.equal(t.environmentId, ws.environment.id);
  const catalog = await getPermissionCatalog();
  assert.equal(catalog.tasksAndPlansEdit, "TMC_TASKS_AND_PLANS_EDIT");
  assert.ok(catalog.ids.includes("TMC_ENGINE_USE"));
});

test("a miss is a pulumi.RunError without a stack, naming the argument, the closest name and what exists", async () => {
  const e1 = await getWorkspace({ name: "ops", environment: "developmnt" }).catch((e) => e);
  assert.ok(pulumi.RunError.isInstance(e1), "RunError: the CLI prints its message only");
  assert.equal(e1.stack, undefined, "no stack, whichever of Pulumi's handlers prints it");
  assert.equal(e1.message, 'pulumi-talend: no environment named "developmnt"; did you mean "development"? (environments visible to this token: development, production)');
  const e2 = await getTask({ name: "seed-databse", workspace: "ops", environment: "development" }).catch((e) => e);
  assert.match(e2.message, /^talend\.getTask\.name: no task named "seed-databse" in workspace "ops" of environment "development" \[[0-9a-f]+\]; did you mean "seed-database"\?/);
  const e3 = await getEnvironment({ name: "staging" }).catch((e) => e);
  assert.match(e3.message, /no environment named "staging" \(environments visible to this token: development, production\)/, "no suggestion when nothing is close");
});

test("one mistake is one error object, so Pulumi (which reports each object once) prints it once", async () => {
  const [a, b] = await Promise.all([getWorkspace({ name: "opz", environment: "production" }).catch((e) => e), getWorkspace({ name: "opz", environment: "production" }).catch((e) => e)]);
  assert.equal(a, b, "identical lookups share their failure");
  const [w, t] = await Promise.all([getWorkspace({ name: "ops", environment: "prod" }).catch((e) => e), getTask({ name: "seed-database", workspace: "ops", environment: "prod" }).catch((e) => e)]);
  assert.equal(w, t, "one mistyped environment used by two lookups is one error");
  process.env.TALEND_TOKEN = "expired-pat";
  try {
    const [x, y] = await Promise.all([getPermissionCatalog().catch((e) => e), getEnvironment({ name: "production" }).catch((e) => e)]);
    assert.ok(pulumi.RunError.isInstance(x));
    assert.equal(x, y, "every 401 of a run is the same mistake: one error");
    assert.match(x.message, /^pulumi-talend: Talend rejected the token \(401 Unauthorized\)\. Fix: .*check talend:token/);
    assert.doesNotMatch(x.message, /expired-pat|\n/, "one line, no secret");
  } finally {
    process.env.TALEND_TOKEN = "emulator-admin-pat";
  }
  delete process.env.TALEND_TOKEN;
  try {
    const e = await getEnvironment({ name: "production" }).catch((err) => err);
    assert.ok(pulumi.RunError.isInstance(e), "a missing setting fails the lookup as a RunError, not a synchronous throw");
    assert.match(e.message, /talend:token is not set\. Fix: pulumi config set --secret talend:token/);
  } finally {
    process.env.TALEND_TOKEN = "emulator-admin-pat";
  }
});

test("Output forms take Inputs and return Outputs", async () => {
  const ws = getWorkspaceOutput({ name: "ops", environment: pulumi.output(Promise.resolve("production")) });
  assert.ok(pulumi.Output.isInstance(ws));
  assert.equal((await valueOf(ws)).environment.name, "production");
  const task = getTaskOutput({ name: pulumi.output("seed-database"), workspace: "ops", environment: ws.environment.name });
  assert.equal((await valueOf(task)).workspaceId, (await valueOf(ws)).id);
  assert.equal((await valueOf(getPermissionCatalogOutput())).tasksAndPlansEdit, "TMC_TASKS_AND_PLANS_EDIT");
});

test("a lookup inside a loop of 100 sends no more requests than the same lookup hoisted out of it", async () => {
  const hoisted = await requestsDuring(async () => {
    const ws = getWorkspace({ name: "ops", environment: "production" });
    await Promise.all(Array.from({ length: 100 }, () => ws));
  });
  resetProgramContext();
  let answers: unknown[] = [];
  const inLoop = await requestsDuring(async () => void (answers = await Promise.all(Array.from({ length: 100 }, () => getWorkspace({ name: "ops", environment: "production" })))));
  assert.ok(answers.every((a) => a === answers[0]), "one outcome: every call of the loop gets the same answer");
  resetProgramContext();
  const outputsInLoop = await requestsDuring(() => Promise.all(Array.from({ length: 100 }, () => valueOf(getWorkspaceOutput({ name: "ops", environment: "production" })))));
  assert.ok(hoisted > 0);
  assert.equal(inLoop, hoisted, `in a loop: ${inLoop} requests, hoisted: ${hoisted}`);
  assert.equal(outputsInLoop, hoisted, `Output form in a loop: ${outputsInLoop} requests`);
  // A later identical lookup in the same program run is answered from memory too.
  assert.equal(await requestsDuring(() => getWorkspace({ name: "ops", environment: "production" })), 0);
  // So is a failure (a failed read is not kept by the reads below the lookups: the lookup's memory keeps it).
  process.env.TALEND_TOKEN = "expired-pat";
  try {
    const failed = await getEnvironment({ name: "production" }).catch((e) => e);
    assert.equal(await requestsDuring(() => getEnvironment({ name: "production" }).catch(() => undefined)), 0, "asked again at once: answered from memory");
    assert.equal(await getEnvironment({ name: "production" }).catch((e) => e), failed);
  } finally {
    process.env.TALEND_TOKEN = "emulator-admin-pat";
  }
});

test("an unreachable API is one error, whichever lookups met it", async () => {
  process.env.TALEND_ENDPOINT = "http://127.0.0.1:9";
  try {
    const [a, b] = await Promise.all([getPermissionCatalog().catch((e) => e), getWorkspace({ name: "ops", environment: "production" }).catch((e) => e)]);
    assert.ok(pulumi.RunError.isInstance(a));
    assert.equal(a, b);
    assert.match(a.message, /^pulumi-talend: no answer from the Talend API \(connection\): [^\n]+$/);
  } finally {
    process.env.TALEND_ENDPOINT = emu.url;
  }
});

test("a failed lookup is remembered briefly (one report per run), then asked again", async () => {
  const ctx = new ProgramContext(new Context({ baseUrl: emu.url, token: "emulator-admin-pat" }), { success: 60_000, failure: 300 });
  const lookup = () => ctx.lookup(JSON.stringify(["task", "added-later"]), (reads) => checkTask(reads, "added-later", "ops", "production", "talend.getTask", "name"));
  const first = await lookup().catch((e) => e);
  assert.match(first.message, /no task named "added-later"/);
  emu.admin.addTask({ name: "added-later", workspace: "ops", environment: "production" });
  assert.equal(await lookup().catch((e) => e), first, "within the failure window: the same error, no new request");
  await new Promise((r) => setTimeout(r, 350));
  assert.equal((await lookup()).task.name, "added-later", "after it: asked again, found");
  await ctx.talend.client.close();
});
