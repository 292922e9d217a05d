import { after, before } from "node:test";
import { type TalendEmulator, startEmulator } from "../../emulator";
import { PulumiStack, pulumiCli } from "../../tools/pulumi-engine";

// The engine driver lives in tools/ (the benchmark uses it too); tests keep importing it from here.
export { PulumiStack, type RunResult, type Toolchain, pulumiCli } from "../../tools/pulumi-engine";

/**
 * One emulator and any number of stacks for an e2e test file, created in `before` and cleaned up in `after`
 * (stacks disposed, orphaned provider hosts reaped). Nothing starts when the CLI is unavailable.
 */
export function e2eFixture() {
  let emulator: TalendEmulator | undefined;
  const stacks: PulumiStack[] = [];
  before(async () => {
    if (!pulumiCli().reason) emulator = await startEmulator();
  });
  after(async () => {
    for (const s of stacks) s.dispose();
    await emulator?.close();
  });
  return {
    get emulator(): TalendEmulator {
      if (!emulator) throw new Error("the e2e emulator is not running");
      return emulator;
    },
    /** A stack pointed at the emulator with the admin PAT (unless `withToken` is false). */
    async stack(opts: Omit<Parameters<typeof PulumiStack.create>[0], "config" | "secrets"> & { config?: Record<string, string>; withToken?: boolean }): Promise<PulumiStack> {
      const s = await PulumiStack.create({
        ...opts,
        config: { "talend:endpoint": this.emulator.url, ...opts.config },
        secrets: opts.withToken === false ? {} : { "talend:token": "emulator-admin-pat" },
      });
      stacks.push(s);
      return s;
    },
  };
}
