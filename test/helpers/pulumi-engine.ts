import assert from "node:assert/strict";
import { after, before } from "node:test";
import { type EmulatorOptions, type TalendEmulator, startEmulator } from "../../emulator";
import { PulumiStack, pulumiCli } from "../../tools/pulumi-engine";

// The engine driver lives in tools/ (the benchmark uses it too); tests keep importing it from here.
export { PulumiStack, type RunResult, type Toolchain, pulumiCli } from "../../tools/pulumi-engine";

export const ADMIN_PAT = "emulator-admin-pat";

/**
 * One emulator and any number of stacks for an e2e test file, created in `before` and cleaned up in `after`
 * (stacks disposed, orphaned provider hosts reaped) — or on SIGTERM/SIGINT, so that a run stopped half-way
 * (Ctrl-C, `npm run test:mutations` once it has its verdict) leaves no CLI or provider process behind.
 * Nothing starts when the CLI is unavailable. `token` is the PAT the stacks are configured with.
 */
export function e2eFixture(opts: { emulator?: EmulatorOptions; token?: string } = {}) {
  const token = opts.token ?? ADMIN_PAT;
  let emulator: TalendEmulator | undefined;
  const stacks: PulumiStack[] = [];
  /** Every secret value the stacks were given or the emulator handed out, by what it is. */
  const secrets = new Map<string, string>([[token, "the PAT (talend:token)"]]);
  /** Positions in each stack's transcript of what commands asked to show secrets printed. */
  const revealing = new WeakMap<PulumiStack, Set<number>>();

  const noteIssuedSecrets = () => {
    for (const account of emulator?.state().serviceAccounts ?? []) secrets.set(account.secret, `the client secret of service account "${account.name}"`);
  };
  const cleanUp = async () => {
    for (const s of stacks.splice(0)) s.dispose();
    await emulator?.close();
    emulator = undefined;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanUp().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  let starting: Promise<void> | undefined;
  // Top-level `before` hooks of one file run concurrently: a file's own hook that needs the emulator awaits ready().
  const ready = () =>
    (starting ??= (async () => {
      if (pulumiCli().reason) return;
      emulator = await startEmulator(opts.emulator);
      process.once("SIGTERM", onSignal).once("SIGINT", onSignal);
    })());
  before(ready);
  after(async () => {
    process.off("SIGTERM", onSignal).off("SIGINT", onSignal);
    await cleanUp();
  });

  return {
    /** Resolves once the emulator runs (for a `before` hook of the test file: hooks do not wait for each other). */
    ready,

    get emulator(): TalendEmulator {
      if (!emulator) throw new Error("the e2e emulator is not running");
      return emulator;
    },

    /**
     * A stack pointed at the emulator with the fixture's PAT (unless `withToken` is false); `secrets` are set
     * with `config set --secret` and, like the PAT, must never be printed or stored in plaintext.
     */
    async stack(stackOpts: Omit<Parameters<typeof PulumiStack.create>[0], "config"> & { config?: Record<string, string>; withToken?: boolean }): Promise<PulumiStack> {
      for (const [key, value] of Object.entries(stackOpts.secrets ?? {})) secrets.set(value, `the secret config value ${key}`);
      const s = await PulumiStack.create({
        ...stackOpts,
        config: { "talend:endpoint": this.emulator.url, ...stackOpts.config },
        secrets: { ...(stackOpts.withToken === false ? {} : { "talend:token": token }), ...stackOpts.secrets },
      });
      // Accounts can be created and deleted by later commands: note their secrets after each one.
      const start = s.start.bind(s);
      s.start = (args) => {
        const started = start(args);
        void started.done.then(noteIssuedSecrets);
        return started;
      };
      stacks.push(s);
      return s;
    },

    /** Runs a command that is asked to show secrets (`--show-secrets`): what it printed is left out of `printed`. */
    async revealingSecrets<T>(stack: PulumiStack, command: () => Promise<T>): Promise<T> {
      const from = stack.transcript.length;
      const result = await command();
      const positions = revealing.get(stack) ?? new Set<number>();
      for (let i = from; i < stack.transcript.length; i++) positions.add(i);
      revealing.set(stack, positions);
      return result;
    },

    /** Everything the CLI printed for `stack` (stdout and stderr of every command), but what it was asked to reveal. */
    printed(stack: PulumiStack): string {
      const revealed = revealing.get(stack);
      return stack.transcript.filter((_, i) => !revealed?.has(i)).join("\n");
    },

    /** Every secret value seen so far, with what it is (for messages that must not print the value). */
    secrets(): Array<{ value: string; what: string }> {
      noteIssuedSecrets();
      return [...secrets].map(([value, what]) => ({ value, what }));
    },

    /** Fails naming each secret that appears in `text` and the line it is on (the value masked). */
    assertNoSecrets(text: string, where: string): void {
      const leaks = this.secrets()
        .filter(({ value }) => text.includes(value))
        .map(({ value, what }) => `${what}, in: ${text.split("\n").find((line) => line.includes(value))!.split(value).join("<that secret>").trim()}`);
      assert.deepEqual(leaks, [], `secrets in ${where}`);
    },
  };
}
