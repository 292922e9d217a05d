// The deliberate breaks `npm run test:mutations` (tools/mutations.ts) applies, one at a time, to a scratch copy of
// the repository, each with the test that must fail because of it. A test that still passes on its break cannot
// catch what it claims to: the run reports the break as surviving and fails.
//
// Adding one: copy an entry, say what is broken (`name`) and what the failing test proves (`proves`), give the
// edit — `find` is exact text that must occur once in `file` (whitespace included), `replace` what it becomes;
// or `apply`, a function from the file's text to the broken text — and the test that catches it (its file, the
// top-level test's exact name, and the name of one of its subtests when the verdict belongs to that one).
// `npm run test:mutations -- --only <name>` runs one entry (with its control run).

export type Edit = { file: string; find: string; replace: string } | { file: string; apply: (source: string) => string };

export interface Mutation {
  /** What is broken, in kebab-case. */
  name: string;
  /** What the failing test proves. */
  proves: string;
  /** Source edits applied to the scratch copy (compiled file by file: no type check). */
  edits: Edit[];
  /** The test that must fail: its source file, the top-level test's name, and optionally one of its subtests. */
  catches: { file: string; test: string; subtest?: string };
  /** Give up on the test after this long (default 300). */
  timeoutSeconds?: number;
  /** Not written yet: listed in the report, not run. Say who adds it and when. */
  pending?: string;
}

export const MUTATIONS: Mutation[] = [
  {
    name: "token-cache-defeated",
    proves: "a service account's token is reused until it expires or its permissions change, so a `pulumi up` mints once per account, not once per request",
    edits: [{ file: "sdk/token-cache.ts", find: "if (cached && this.isUsable(account, cached)) return cached;", replace: "" }],
    catches: { file: "test/sdk/oauth.test.ts", test: "tokens are minted once, cached, renewed before expiry, and concurrent callers share one mint" },
  },
  {
    name: "lookup-memoization-defeated",
    proves: "identical lookups of one program run share one round of requests: a lookup in a loop costs what a hoisted one costs",
    edits: [{ file: "provider/lookups.ts", find: "const key = (...parts: string[]) => JSON.stringify(parts);", replace: "const key = (...parts: string[]) => JSON.stringify([...parts, Math.random()]);" }],
    catches: { file: "test/provider/lookups.test.ts", test: "a lookup inside a loop of 100 sends no more requests than the same lookup hoisted out of it" },
  },
  {
    name: "secret-printed-by-the-provider",
    proves: "a client secret the provider writes to its output shows in the CLI's transcript, and the e2e leak check reads all of it (it used to skip chunks shaped like the leak)",
    edits: [
      {
        file: "provider/service-account.ts",
        find: "const created = await client.serviceAccounts.create(body);",
        replace: 'const created = await client.serviceAccounts.create(body);\n          process.stderr.write(`"clientSecret": "${created.secret}"\\n`);',
      },
    ],
    catches: {
      file: "test/e2e/service-account.e2e.test.ts",
      test: "real CLI: up → preview (no changes) → in-place update → drift → refresh → repair → destroy; no secret leaks",
      subtest: "what up printed shows the new secret only as [secret], and no secret value",
    },
    timeoutSeconds: 420,
  },
  {
    name: "failed-run-started-again",
    proves: "after a failed run, later updates report the failure and start nothing: a retried pipeline cannot turn green by running the task again",
    edits: [
      {
        file: "provider/task-execution.ts",
        find: "async update(id, olds, news) {",
        replace: "async update(id, olds, news) {\n      await runnerFor(ctx(), { ...olds, ...news }).executions.start({ executable: olds.resolvedTaskId });",
      },
    ],
    catches: { file: "test/provider/task-execution.test.ts", test: "a failed run keeps failing on every later update without running again, unless failures are accepted" },
  },
  {
    name: "preview-sends-a-write",
    proves: "check and diff — all that preview runs — send reads only, for every resource",
    edits: [
      {
        file: "provider/service-account.ts",
        find: 'return nameChecked(ctx, olds, { inputs }, "ServiceAccount");',
        replace: 'await ctx().client.serviceAccounts.create({ name: `${inputs.name}-probe`, permissions: [] }).catch(() => undefined);\n      return nameChecked(ctx, olds, { inputs }, "ServiceAccount");',
      },
    ],
    catches: { file: "test/provider/preview.test.ts", test: "check and diff of every resource, new or changed, inputs known or not yet: reads only" },
  },
  {
    name: "redaction-disabled",
    proves: "a PAT or client secret that Talend echoes back never reaches an error message, its stack or its JSON",
    edits: [{ file: "sdk/redact.ts", find: "export function redact(text: string): string {", replace: "export function redact(text: string): string {\n  return text;" }],
    catches: { file: "test/sdk/errors.test.ts", test: "a planted secret never appears in an error, even when the API echoes it" },
  },
  {
    name: "grant-set-compared-by-order",
    proves: "permission sets compare as sets: Talend listing the same permissions in another order is no drift",
    edits: [{ file: "provider/validation.ts", find: "return [...new Set(values)].sort();", replace: "return [...values];" }],
    catches: { file: "test/provider/workspace-permission.test.ts", test: "a set compares by value: Talend's order is no drift, and the next diff sees no change" },
  },
  {
    name: "post-retried-blindly",
    proves: "a POST whose answer was lost is never sent again by the transport (Talend cannot deduplicate it): reconciliation decides",
    edits: [{ file: "sdk/transport.ts", find: 'const idempotent = req.idempotent ?? req.method !== "POST";', replace: "const idempotent = true;" }],
    catches: { file: "test/sdk/transport.test.ts", test: "a POST is never retried after a failure that may have been committed" },
  },
  {
    name: "intent-named-by-declaration-order",
    proves: "an account's intent is named like the account, not by declaration order: reordering or adding accounts keeps each intent, so a dead apply's account is still recognised",
    edits: [
      { file: "provider/service-account.ts", find: 'new Intent("ServiceAccount", name, serviceAccountIntentArgs(name, args),', replace: 'new Intent("ServiceAccount", `${name}-${++declared}`, serviceAccountIntentArgs(name, args),' },
      { file: "provider/service-account.ts", find: "/** The name the account carries in Talend. */", replace: "let declared = 0;\n/** The name the account carries in Talend. */" },
    ],
    catches: { file: "test/provider/account-intents.test.ts", test: "an account's intent keeps its URN whatever the other declarations do: reordered, one added first, the first removed, one declared later" },
  },
  {
    name: "intent-named-by-declaration-order-real-cli",
    proves: "the real-CLI crash test fails when an account's intent depends on declaration order: an apply killed after the 2nd account POST, the accounts reordered, the resume takes the dead apply's account for someone else's",
    edits: [
      { file: "provider/service-account.ts", find: 'new Intent("ServiceAccount", name, serviceAccountIntentArgs(name, args),', replace: 'new Intent("ServiceAccount", `${name}-${++declared}`, serviceAccountIntentArgs(name, args),' },
      { file: "provider/service-account.ts", find: "/** The name the account carries in Talend. */", replace: "let declared = 0;\n/** The name the account carries in Talend. */" },
    ],
    catches: { file: "test/reliability/program-changes.test.ts", test: "engine killed right after the 2nd account POST answered (the 1st answer still on its way), then accounts reordered, resumed on a fresh machine: one up, no orphan, every secret usable" },
    timeoutSeconds: 400,
  },
  {
    name: "intent-release-dropped-real-cli",
    proves: "the real-CLI crash test fails when an account's intent deletes nothing: an apply killed after the last account POST, the first-declared account removed, the account the dead apply created for it stays in Talend",
    edits: [{ file: "provider/service-account.ts", find: "return intentProvider(ctx, (intent) => releaseOrphanAccount(ctx(), intent));", replace: "return intentProvider(ctx, async () => void releaseOrphanAccount);" }],
    catches: { file: "test/reliability/program-changes.test.ts", test: "engine killed right after the last (4th) account POST answered (the others' answers still on their way), then the first-declared account removed, resumed on a fresh machine: one up, no orphan, every secret usable" },
    timeoutSeconds: 400,
  },
  {
    name: "intent-parent-dropped",
    proves: "an account under a component has its intent under the same component: moving accounts under a component (with an alias) keeps their intents",
    edits: [{ file: "provider/service-account.ts", find: 'intentOptions("ServiceAccount", opts)', replace: 'intentOptions("ServiceAccount", { ...opts, parent: undefined })' }],
    catches: { file: "test/provider/account-intents.test.ts", test: "an account under a component has its intent under the same parent" },
  },
  {
    name: "intent-aliases-dropped",
    proves: "the owner's aliases become its intent's: an account renamed or moved with an alias finds the time recorded before its POST",
    edits: [{ file: "provider/intent.ts", find: "return (alias as pulumi.Alias).type === undefined ? [alias] : [];", replace: "return [];" }],
    catches: { file: "test/provider/account-intents.test.ts", test: "the account's aliases become its intent's: by name, by parent, and a URN with the intent's type" },
  },
];
