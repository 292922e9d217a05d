// A killed `up`, then the program changes as the next commit would, then `up` on a fresh machine: the dead
// apply's accounts must still be recognised. Shared by npm test (test/reliability/program-changes.test.ts, one kill
// point per change), the compat suite (test/compat) and `npm run soak` (every change at every kill point, on
// both ends of the @pulumi/pulumi peer range).
import type { TalendEmulator } from "../../emulator";
import type { PulumiStack, Toolchain } from "../helpers/pulumi-engine";
import { canMintToken, secretOf, stackOn, upKilledAt } from "./scenario";

/** The four accounts the first apply declares, in this order: resource name = Talend name. */
const ACCOUNTS = ["conf-0", "conf-1", "conf-2", "conf-3"];
const FIRST = ACCOUNTS[0]!;

/** Program changes between the dead apply and the next one, as a next commit easily makes them. */
export const PROGRAM_CHANGES = {
  reordered: "accounts reordered",
  "new-first": "a new account declared before all others",
  "first-removed": "the first-declared account removed",
  "first-renamed": "the first-declared account renamed with an alias",
  "under-component": "accounts moved under a component parent",
} as const;
export type ProgramChange = keyof typeof PROGRAM_CHANGES;
export const CHANGES = Object.keys(PROGRAM_CHANGES) as ProgramChange[];

const ACCOUNT_POST = /^\/account\/service-accounts$/;
/**
 * Right after Talend answered the 1st, the 2nd or the last account POST of the first apply. The answers to the
 * POSTs before it are held back (they are still on their way when the engine dies), so however the engine
 * schedules its creates, none of the dead apply's accounts reaches state: the outcome does not depend on timing.
 */
export const ACCOUNT_KILL_POINTS = {
  first: { posts: 1, label: "1st account POST answered" },
  second: { posts: 2, label: "2nd account POST answered (the 1st answer still on its way)" },
  last: { posts: ACCOUNTS.length, label: `last (${ACCOUNTS.length}th) account POST answered (the others' answers still on their way)` },
} as const;
export type AccountKillPoint = keyof typeof ACCOUNT_KILL_POINTS;

/**
 * The kill point npm test and the compat suite use for each change (the soak runs them all); all three appear.
 * Where the change concerns the first-declared account, the last: only then is that account surely among the dead
 * apply's POSTs (the engine may send the first-declared account's POST after others).
 */
export const QUICK_KILL_POINT: Record<ProgramChange, AccountKillPoint> = {
  reordered: "second",
  "new-first": "first",
  "first-removed": "last",
  "first-renamed": "last",
  "under-component": "last",
};

interface Declared {
  resource: string;
  talendName: string;
  /** The account's resource options as source text, e.g. `{ aliases: [{ name: "conf-0" }] }`. */
  options?: string;
  /** Its grant's (named after the Talend name, so a rename of the account alone leaves the grant as it is). */
  grantOptions?: string;
}

/** What each version of the program declares, and in which order. */
function declarations(change?: ProgramChange): Declared[] {
  const plain = (names: string[]) => names.map((n) => ({ resource: n, talendName: n }));
  switch (change) {
    case undefined:
      return plain(ACCOUNTS);
    case "reordered":
      return plain([...ACCOUNTS].reverse());
    case "new-first":
      return plain(["conf-new", ...ACCOUNTS]);
    case "first-removed":
      return plain(ACCOUNTS.slice(1));
    case "first-renamed":
      return [{ resource: "conf-zero", talendName: FIRST, options: `{ aliases: [{ name: ${JSON.stringify(FIRST)} }] }` }, ...plain(ACCOUNTS.slice(1))];
    case "under-component":
      return plain(ACCOUNTS).map((d) => {
        const moved = "{ parent: team, aliases: [{ parent: pulumi.rootStackResource }] }";
        return { ...d, options: moved, grantOptions: moved };
      });
  }
}

/** The program as a user writes it: one account and one grant per line pair, top to bottom. */
export function programText(change?: ProgramChange): string {
  const lines = ['import * as pulumi from "@pulumi/pulumi";', 'import * as talend from "pulumi-talend";', ""];
  if (change === "under-component") {
    lines.push(
      "class Team extends pulumi.ComponentResource {",
      "  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {",
      '    super("acme:index:Team", name, {}, opts);',
      "    this.registerOutputs({});",
      "  }",
      "}",
      'const team = new Team("team");',
      "",
    );
  }
  const optional = (options?: string) => (options ? `, ${options}` : "");
  declarations(change).forEach((d, i) => {
    lines.push(
      `const account${i} = new talend.ServiceAccount(${JSON.stringify(d.resource)}, { name: ${JSON.stringify(d.talendName)}, permissions: ["TMC_ENGINE_USE"] }${optional(d.options)});`,
      `new talend.WorkspacePermission(${JSON.stringify(`${d.talendName}-ops`)}, { serviceAccountId: account${i}.clientId, workspace: "ops", environment: "development", permissions: ["EXECUTE"] }${optional(d.grantOptions)});`,
    );
  });
  return lines.join("\n") + "\n";
}

export interface ProgramChangeResult {
  change: ProgramChange;
  killPoint: AccountKillPoint;
  toolchain: string;
  /** The kill landed before the first `up` finished. */
  killed: boolean;
  /** Account POSTs Talend had received when the engine died (at least the kill point's). */
  accountPostsAtKill: number;
  /** Accounts Talend had when the engine died, and how many of them state had recorded. */
  accountsAtKill: number;
  accountsInStateAtKill: number;
  /** The one `up` after the change, on a fresh machine. */
  resumeExit: number | null;
  /** Its error lines, when it failed. */
  resumeErrors: string[];
  /** The first up's, when it ended before the kill point. */
  firstUpErrors?: string[];
  /** Accounts with any of the program's names (before or after the change) that state does not hold. */
  orphanAccounts: number;
  duplicateAccounts: number;
  /** Accounts the changed program declares that state does not hold as a live Talend account. */
  missingAccounts: number;
  unusableSecrets: number;
  /** Accounts and grants still in Talend after `destroy`. */
  destroyLeftovers: number;
  seconds: number;
}

/** How long after the dead apply the next one starts (the next commit's pipeline): on Talend's clock. */
const NEXT_COMMIT_AFTER_MS = 10 * 60_000;

/**
 * Applies the 4-account program, kills the engine right after Talend answered the kill point's account POST,
 * changes the program, lets Talend's clock move on as the next commit would, runs one `up` on a fresh machine
 * (empty HOME and PULUMI_HOME, same backend), checks Talend against state, and destroys.
 */
export async function killChangeResume(change: ProgramChange, killPoint: AccountKillPoint, opts: { seed?: number; toolchain?: Toolchain; toolchainName?: string } = {}): Promise<ProgramChangeResult> {
  const started = Date.now();
  const { emulator, stack } = await stackOn(programText(), { seed: opts.seed ?? 1, toolchain: opts.toolchain });
  try {
    const { posts } = ACCOUNT_KILL_POINTS[killPoint];
    // Held for longer than the first up can take to reach the last POST; if it never does, the kill comes late and
    // accountPostsAtKill says so.
    if (posts > 1) emulator.faults.add({ method: "POST", path: ACCOUNT_POST, kind: "held-answer", latencyMs: 120_000, times: posts - 1 });
    const firstUp = await upKilledAt(emulator, stack, { label: "an account POST answered", method: "POST", path: ACCOUNT_POST, nth: 1 }, { freshMachine: true });
    emulator.faults.clear();
    const killed = firstUp.killed;
    const accountPostsAtKill = emulator.requests().filter((r) => r.method === "POST" && ACCOUNT_POST.test(r.path)).length;
    const atKill = emulator.state().serviceAccounts;
    const stateAtKill = await accountsInState(stack);
    stack.writeProgram(programText(change));
    emulator.clock.advance(NEXT_COMMIT_AFTER_MS);
    const resume = await stack.up({ allowFailure: true });
    const verdict = await verify(emulator, stack, change);
    await stack.run(["destroy", "--yes", "--non-interactive"], { allowFailure: true });
    const after = emulator.state();
    return {
      change,
      killPoint,
      toolchain: opts.toolchainName ?? "this clone",
      killed,
      accountPostsAtKill,
      accountsAtKill: atKill.length,
      accountsInStateAtKill: stateAtKill.filter((r) => atKill.some((a) => a.id === r.id)).length,
      resumeExit: resume.code,
      resumeErrors: resume.code === 0 ? [] : errorLines(resume.stdout + resume.stderr),
      ...(!killed && { firstUpErrors: errorLines(firstUp.output) }),
      ...verdict,
      destroyLeftovers: after.serviceAccounts.length + after.workspacePermissions.length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    stack.dispose();
    await emulator.close();
  }
}

/** The result's failures in words; empty when the resume did everything it must. */
export function problems(r: ProgramChangeResult): string[] {
  return [
    !r.killed && "the kill did not land before the first up finished",
    r.accountPostsAtKill < ACCOUNT_KILL_POINTS[r.killPoint].posts && `the kill came after ${r.accountPostsAtKill} account POST(s), not ${ACCOUNT_KILL_POINTS[r.killPoint].posts}`,
    r.resumeExit !== 0 && `the resumed up exited ${r.resumeExit}: ${r.resumeErrors.join(" | ")}`,
    r.orphanAccounts && `${r.orphanAccounts} orphaned account(s)`,
    r.duplicateAccounts && `${r.duplicateAccounts} duplicate account(s)`,
    r.missingAccounts && `${r.missingAccounts} declared account(s) missing from state`,
    r.unusableSecrets && `${r.unusableSecrets} unusable secret(s) in state`,
    r.destroyLeftovers && `${r.destroyLeftovers} object(s) left after destroy`,
  ].filter((p): p is string => typeof p === "string");
}

type StateResource = { type: string; urn: string; id?: string; outputs?: Record<string, any> };

async function accountsInState(stack: PulumiStack): Promise<StateResource[]> {
  const exported = JSON.parse((await stack.run(["stack", "export", "--show-secrets"])).stdout);
  return ((exported.deployment.resources ?? []) as StateResource[]).filter((r) => r.type === "pulumi-nodejs:dynamic/talend:ServiceAccount");
}

async function verify(emulator: TalendEmulator, stack: PulumiStack, change: ProgramChange) {
  const accounts = await accountsInState(stack);
  const names = new Set([...declarations(), ...declarations(change)].map((d) => d.talendName));
  const ours = emulator.state().serviceAccounts.filter((a) => names.has(a.name));
  let unusable = 0;
  for (const a of accounts) if (!(await canMintToken(emulator, a.id!, secretOf(a.outputs?.clientSecret)))) unusable++;
  return {
    orphanAccounts: ours.filter((a) => !accounts.some((r) => r.id === a.id)).length,
    duplicateAccounts: ours.length - new Set(ours.map((a) => a.name)).size,
    missingAccounts: declarations(change).filter((d) => !accounts.some((r) => ours.some((a) => a.id === r.id && a.name === d.talendName))).length,
    unusableSecrets: unusable,
  };
}

/** The engine's diagnostics of a failed update, each once (the engine repeats them per resource and at the end). */
function errorLines(output: string): string[] {
  const messages = [...output.matchAll(/error: (.+)/g)].map((m) => m[1]!.trim().slice(0, 300));
  return [...new Set(messages.filter((m) => m !== "update failed"))].slice(0, 6);
}
