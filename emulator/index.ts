// A local Talend Cloud for development, CI and tests (emulator/README.md; docs/cli.md "talend-emulator").
export { startEmulator, type EmulatorOptions, type TalendEmulator, type RequestRecord, type Family } from "./server";
export type { EmulatorState } from "./state";
export { type FaultRule, FaultRuleSchema } from "./faults";
export {
  defaultSeed, SeedSchema, DEFAULT_TASKS_AND_PLANS_EDIT, DOCUMENTED_CATALOG, hexId,
  type Seed, type SeedTask, type SeedTaskRun, type SeedUser, type SeedServiceAccount,
} from "./seed";
