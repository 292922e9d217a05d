import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { doctor } from "../../cli/talend-doctor";
import { DOCUMENTED_CATALOG, type EmulatorOptions, type TalendEmulator, defaultSeed, startEmulator } from "../../emulator";
import { getPermissionCatalog } from "../../provider/lookups";
import { resetProgramContext } from "../../provider/program-context";
import { tasksAndPlansEditProblem } from "../../provider/task-runner";

// "Tasks and Plans - Edit" has no published ID: the tenant's catalogue decides. When it cannot, every error
// (TaskRunner, talend-doctor) lists the catalogue's undocumented IDs and says how to set the ID.

const PAT = "emulator-admin-pat";
let emu: TalendEmulator | undefined;
afterEach(async () => {
  delete process.env.TALEND_ENDPOINT;
  delete process.env.TALEND_TOKEN;
  delete process.env.TALEND_TASKS_AND_PLANS_EDIT_PERMISSION;
  resetProgramContext();
  await emu?.close();
});

async function tenant(opts: EmulatorOptions, configured?: string) {
  emu = await startEmulator(opts);
  process.env.TALEND_ENDPOINT = emu.url;
  process.env.TALEND_TOKEN = PAT;
  if (configured) process.env.TALEND_TASKS_AND_PLANS_EDIT_PERMISSION = configured;
  resetProgramContext();
  const catalog = await getPermissionCatalog();
  const doctorCheck = (await doctor(["--endpoint", emu.url, "--token", PAT, ...(configured ? ["--tasks-and-plans-edit-permission", configured] : [])], {})).checks.find((c) => c.name === "tasks-and-plans-edit-id");
  return { catalog, problem: tasksAndPlansEditProblem(catalog, "ci"), doctorCheck };
}

const FIX = /Fix: pulumi config set talend:tasksAndPlansEditPermission <ID> with the ID of "Tasks and Plans - Edit"/;

test("no candidate: the error lists the undocumented IDs and how to set talend:tasksAndPlansEditPermission", async () => {
  const { catalog, problem, doctorCheck } = await tenant({ tasksAndPlansEditPermission: "TMC_X9_WRITE" });
  assert.equal(catalog.tasksAndPlansEdit, undefined, "nothing is guessed");
  assert.deepEqual(catalog.undocumented, ["TMC_X9_WRITE"]);
  assert.match(problem, /^TaskRunner "ci": cannot tell which permission ID is "Tasks and Plans - Edit": no catalogue ID looks like it \(undocumented IDs in the catalogue: TMC_X9_WRITE\)\. /);
  assert.match(problem, FIX);
  assert.equal(doctorCheck?.ok, "unknown");
  assert.match(doctorCheck?.detail ?? "", /undocumented IDs in the catalogue: TMC_X9_WRITE/, "talend-doctor prints them");
  assert.match(doctorCheck?.fix ?? "", /pulumi config set talend:tasksAndPlansEditPermission <ID>.*one of TMC_X9_WRITE/);
});

test("several candidates: none is picked; the error names them all", async () => {
  const seed = { ...defaultSeed(), permissionCatalog: [...DOCUMENTED_CATALOG, "TMC_TASKS_PLANS_MANAGE"] };
  const { catalog, problem, doctorCheck } = await tenant({ seed });
  assert.equal(catalog.tasksAndPlansEdit, undefined);
  assert.match(problem, /several catalogue IDs could be it: TMC_TASKS_AND_PLANS_EDIT, TMC_TASKS_PLANS_MANAGE \(undocumented IDs in the catalogue: TMC_TASKS_AND_PLANS_EDIT, TMC_TASKS_PLANS_MANAGE\)/);
  assert.match(problem, FIX);
  assert.match(doctorCheck?.detail ?? "", /several catalogue IDs could be it: TMC_TASKS_AND_PLANS_EDIT, TMC_TASKS_PLANS_MANAGE/);
});

test("a configured ID missing from the catalogue is an error, not used: it lists the IDs that are there", async () => {
  const { catalog, problem, doctorCheck } = await tenant({}, "TMC_TASK_EDIT");
  assert.equal(catalog.tasksAndPlansEdit, undefined);
  assert.match(problem, /the configured ID "TMC_TASK_EDIT" \(talend:tasksAndPlansEditPermission\) is not in the tenant's catalogue \(undocumented IDs in the catalogue: TMC_TASKS_AND_PLANS_EDIT\)/);
  assert.match(problem, FIX);
  assert.match(doctorCheck?.fix ?? "", /one of TMC_TASKS_AND_PLANS_EDIT/);
});

test("one candidate, or a configured ID that is listed: that ID", async () => {
  assert.equal((await tenant({})).catalog.tasksAndPlansEdit, "TMC_TASKS_AND_PLANS_EDIT");
  await emu?.close();
  emu = undefined;
  assert.equal((await tenant({ tasksAndPlansEditPermission: "TMC_X9_WRITE" }, "TMC_X9_WRITE")).catalog.tasksAndPlansEdit, "TMC_X9_WRITE");
});
