import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { doctor } from "../../cli/talend-doctor";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { TalendClient, TokenCache } from "../../sdk";

const PAT = "emulator-admin-pat";
let emu: TalendEmulator;
let sa: { id: string; secret: string };
before(async () => {
  emu = await startEmulator();
  const admin = new TalendClient({ endpoint: emu.url, credentials: { token: PAT }, tokenCache: new TokenCache() });
  sa = await admin.serviceAccounts.create({ name: "doctor-sa", permissions: ["TMC_ENGINE_USE"] });
  await admin.close();
});
after(async () => emu.close());

const task = ["--task", "seed-database", "--workspace", "ops", "--environment", "development"];

test("names each missing requirement to run a task, with its fix, then passes once they are granted", async () => {
  const args = ["--endpoint", emu.url, "--token", PAT, "--client-id", sa.id, "--client-secret", sa.secret, ...task];
  const first = await doctor(args, {});
  assert.equal(first.ok, false);
  const byName = Object.fromEntries(first.checks.map((c) => [c.name, c]));
  assert.equal(byName.connectivity?.ok, true);
  assert.equal(byName["token-minting"]?.ok, true);
  assert.equal(byName["engine-permission"]?.ok, true);
  assert.equal(byName["tasks-and-plans-edit"]?.ok, false);
  assert.match(byName["tasks-and-plans-edit"]!.fix!, /add "TMC_TASKS_AND_PLANS_EDIT"/);
  assert.equal(byName["workspace-execute"]?.ok, false);
  assert.match(byName["workspace-execute"]!.fix!, /grant it \["EXECUTE"\] on that workspace/);

  emu.admin.updateServiceAccount(sa.id, { permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] });
  const ws = emu.state().workspaces.find((w) => w.name === "ops" && emu.state().environments.find((e) => e.id === w.environmentId)?.name === "development")!;
  emu.admin.setWorkspacePermission(ws.id, sa.id, ["EXECUTE"]);
  const second = await doctor(args, {});
  assert.equal(second.ok, true, JSON.stringify(second.checks.filter((c) => c.ok !== true)));
});

test("bad credentials and no credentials fail clearly, each fix naming the flag to change", async () => {
  const bad = await doctor(["--endpoint", emu.url, "--client-id", sa.id, "--client-secret", "wrong-secret"], {});
  assert.equal(bad.ok, false);
  const minting = bad.checks.find((c) => c.name === "token-minting");
  assert.equal(minting?.ok, false);
  assert.match(minting!.fix!, /--client-id and --client-secret/);
  const badPat = await doctor(["--endpoint", emu.url, "--token", "not-a-real-pat"], {});
  const connectivity = badPat.checks.find((c) => c.name === "connectivity");
  assert.equal(connectivity?.ok, false);
  assert.match(connectivity!.fix!, /--token \(or TALEND_TOKEN\)/);
  // Credentials are random: one beginning with "-" is still a value, not a flag (a base64url secret does 1 time in 64).
  const dashed = await doctor(["--endpoint", emu.url, "--client-id", sa.id, "--client-secret", "-dash-first", "--token", "-also"], {});
  assert.equal(dashed.checks.find((c) => c.name === "token-minting")?.ok, false, "parsed as a (wrong) secret, then refused by Talend");
  const none = await doctor(["--endpoint", emu.url], {});
  assert.deepEqual([none.ok, none.checks[0]?.name, none.checks[0]?.ok], [false, "credentials", false]);
});

test("the talend-doctor binary: --json for CI, exit codes, credentials from the environment, no secret printed", async () => {
  const bin = join(__dirname, "..", "..", "cli", "talend-doctor.js");
  const run = promisify(execFile);
  const env = { ...process.env, TALEND_ENDPOINT: emu.url, TALEND_TOKEN: PAT, TALEND_CLIENT_ID: sa.id, TALEND_CLIENT_SECRET: sa.secret };
  const ok = await run(process.execPath, [bin, "--json", ...task], { env });
  const report = JSON.parse(ok.stdout);
  assert.equal(report.ok, true);
  assert.ok(!ok.stdout.includes(sa.secret) && !ok.stdout.includes(PAT));
  const failing = await run(process.execPath, [bin, "--task", "no-such-task", "--workspace", "ops", "--environment", "development"], { env }).catch((e) => e);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /FAIL task: no task named "no-such-task"/);
  assert.match(failing.stdout, /Some checks failed/);
});

test("the talend-doctor binary: --help and -h print the usage and exit 0; an unknown flag exits 2 with the usage", async () => {
  const bin = join(__dirname, "..", "..", "cli", "talend-doctor.js");
  const run = promisify(execFile);
  for (const flag of ["--help", "-h"]) {
    const r = await run(process.execPath, [bin, flag], { env: { ...process.env, TALEND_TOKEN: "" } });
    assert.match(r.stdout, /^usage: talend-doctor/);
  }
  const bad = await run(process.execPath, [bin, "--no-such-flag"]).catch((e) => e);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /usage: talend-doctor/);
});
