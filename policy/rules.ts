// The rules of the pulumi-talend policy pack. Mandatory rules are resource policies: the engine checks them when
// a resource is registered, before its step, so a refused resource is never sent to Talend (also with
// `pulumi up --skip-preview`). A value a preview does not know yet is checked then, when `up` registers the
// resource with it. Stack rules see the whole stack after its steps; they are advisory.
import type { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { type Kind, UNKNOWN, hasUnknown, isSecretAt, kindOf, knownStrings, noteSecretPaths, plain, secretPaths } from "./inputs";
import { type Node, StackGraph } from "./stack";

/** Account permissions that let an account grant itself (or new accounts) anything. */
export const ADMIN_PERMISSIONS = ["TMC_USER_MANAGEMENT", "TMC_SERVICE_ACCOUNT_MANAGEMENT", "TMC_ROLE_MANAGEMENT", "TMC_GROUP_MANAGEMENT", "TMC_SSO_MANAGEMENT"];
/** Workspace permissions beyond what running a task needs (EXECUTE, and VIEW to see it). */
export const WRITE_PERMISSIONS = ["AUTHOR", "MANAGE", "PUBLISH"];
/** Deletes the logs of runs: the evidence of what an account ran. */
export const LOG_DELETION = "EXECUTION_LOGS_DELETE";

noteSecretPaths();
const policyVersion = (): string => {
  try {
    return String(require("@pulumi/policy/package.json").version).replace(/^v/, "");
  } catch {
    return "unknown";
  }
};

const list = (description: string) => ({ type: "array" as const, items: { type: "string" as const }, default: [], description });
const ALLOWED_ACCOUNTS = list("Talend names of accounts exempt from this rule (the `name` input, without the uniqueSuffix suffix).");
const ALLOWED_WORKSPACES = list('Workspaces exempt from this rule, as the program names them: a workspace id, or "<environment>/<workspace>".');

interface Resource {
  name: string;
  props: Record<string, unknown>;
  /** Paths of secret values; undefined when this @pulumi/policy hides them (see inputs.ts). */
  secrets: ReadonlySet<string> | undefined;
}
type Config = { allowedAccounts?: string[]; allowedWorkspaces?: string[]; allowedParameters?: string[]; deniedPermissions?: string[] };

/** A resource policy for one kind of resource, on its values read into plain data (see inputs.ts). */
function resourceRule(policy: Omit<ResourceValidationPolicy, "validateResource">, kind: Kind, check: (r: Resource, report: (message: string) => void, config: Config) => void): ResourceValidationPolicy {
  return {
    ...policy,
    validateResource: (args, report) => {
      if (kindOf(args.type) !== kind) return;
      check({ name: args.name, props: plain(args.props), secrets: secretPaths(args.props) }, report, args.getConfig<Config>());
    },
  };
}

/** How the program names a grant's or run's workspace: "<environment>/<workspace>", and/or its id. */
function workspaceNames(props: Record<string, unknown>): string[] {
  const byName = typeof props.environment === "string" && typeof props.workspace === "string" ? [`${props.environment}/${props.workspace}`] : [];
  return [...new Set([...byName, ...[props.workspaceId, props.resolvedWorkspaceId].filter((v): v is string => typeof v === "string")])];
}
const workspaceLabel = (props: Record<string, unknown>) => `"${workspaceNames(props)[0] ?? "unknown"}"`;

/** An account rule: it holds none of some permissions, unless its Talend name is allow-listed. */
function heldPermissionsRule(policy: Omit<ResourceValidationPolicy, "validateResource">, denied: (config: Config) => string[], consequence: (held: string[]) => string): ResourceValidationPolicy {
  return resourceRule(policy, "ServiceAccount", ({ name, props }, report, config) => {
    const held = knownStrings(props.permissions).filter((p) => denied(config).includes(p));
    const talend = props.name;
    if (!held.length || typeof talend !== "string" || (config.allowedAccounts ?? []).includes(talend)) return;
    report(`ServiceAccount "${name}" (Talend name "${talend}") holds ${held.join(", ")}, ${consequence(held)}: remove ${held.length > 1 ? "them" : "it"}, or allow-list "${talend}" in allowedAccounts of ${policy.name}.`);
  });
}

const accountAdminPermissions = heldPermissionsRule(
  {
    name: "talend-account-admin-permissions",
    description: "No service account may manage users, service accounts, roles, groups or SSO: any of these lets it grant itself anything.",
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: { properties: { allowedAccounts: ALLOWED_ACCOUNTS, deniedPermissions: { ...list("The account permissions this rule refuses."), default: ADMIN_PERMISSIONS } } },
  },
  (config) => config.deniedPermissions ?? ADMIN_PERMISSIONS,
  (held) => `which ${held.length > 1 ? "let" : "lets"} it grant itself any access`,
);

const workspaceWriteAllowList = resourceRule(
  {
    name: "talend-workspace-write-allow-list",
    description: "AUTHOR, MANAGE and PUBLISH (more than running needs) only on allow-listed workspaces.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: { properties: { allowedWorkspaces: ALLOWED_WORKSPACES } },
  },
  "WorkspacePermission",
  ({ name, props }, report, config) => {
    const write = knownStrings(props.permissions).filter((p) => WRITE_PERMISSIONS.includes(p));
    if (!write.length) return;
    const names = workspaceNames(props);
    // Not known yet in preview: checked when `up` registers the grant.
    if (!names.length || names.some((n) => (config.allowedWorkspaces ?? []).includes(n))) return;
    const label = workspaceLabel(props);
    report(`WorkspacePermission "${name}" grants ${write.join(", ")} on workspace ${label}, beyond what running tasks needs (EXECUTE): grant EXECUTE only, or allow-list ${label} in allowedWorkspaces of talend-workspace-write-allow-list.`);
  },
);

/** Parameter names that say they hold a secret: words such as password or token, and key/pwd as whole words. */
export function soundsSecret(parameter: string): boolean {
  if (/secret|passw|passphrase|token|credential/i.test(parameter)) return true;
  const words = parameter.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => ["key", "apikey", "pwd", "pass"].includes(w));
}

/** Refuses (never guesses) when this @pulumi/policy hides which values are secrets. */
const cannotSeeSecrets = (what: string, rule: string) =>
  `cannot tell whether ${what} is a Pulumi secret: @pulumi/policy ${policyVersion()} no longer shows the pack which values are secrets (pulumi-talend checks it with 1.21): install @pulumi/policy@~1.21.0, or set ${rule} to "disabled" in the pack's config.`;

const secretParameters = resourceRule(
  {
    name: "talend-secret-parameters",
    description: "A task parameter whose name says it is a secret (password, token, key...) must be a Pulumi secret, or it is stored in plain text in the state.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: { properties: { allowedParameters: list("Parameter names that are not secrets despite their name.") } },
  },
  "TaskExecution",
  ({ name, props, secrets }, report, config) => {
    const parameters = props.parameters;
    if (!parameters || typeof parameters !== "object") return;
    for (const [parameter, value] of Object.entries(parameters)) {
      if (!soundsSecret(parameter) || (config.allowedParameters ?? []).includes(parameter)) continue;
      if (!secrets) {
        report(`TaskExecution "${name}": ${cannotSeeSecrets(`parameter "${parameter}"`, "talend-secret-parameters")}`);
        continue;
      }
      // A secret whose value a preview does not know arrives unmarked: checked when `up` registers the run.
      if (value === UNKNOWN || isSecretAt(secrets, ["parameters", parameter])) continue;
      report(`TaskExecution "${name}" passes parameter "${parameter}" in plain text, and its name says it is a secret: pass pulumi.secret(...) or config.requireSecret(...), or allow-list "${parameter}" in allowedParameters of talend-secret-parameters.`);
    }
  },
);

const clientSecretIsSecret = resourceRule(
  {
    name: "talend-client-secret-is-secret",
    description: "A run's clientSecret must be a Pulumi secret: in plain text it is a credential in the program's source and in the state.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  "TaskExecution",
  ({ name, props, secrets }, report) => {
    const value = props.clientSecret;
    if (value === undefined || value === UNKNOWN) return;
    if (!secrets) return report(`TaskExecution "${name}": ${cannotSeeSecrets("clientSecret", "talend-client-secret-is-secret")}`);
    if (isSecretAt(secrets, ["clientSecret"])) return;
    report(`TaskExecution "${name}" takes clientSecret in plain text: pass the ServiceAccount's clientSecret output (a secret), or config.requireSecret(...).`);
  },
);

const runHasTriggers = resourceRule(
  {
    name: "talend-run-has-triggers",
    description: "A TaskExecution without triggers runs once, on the first up, and never again.",
    enforcementLevel: "advisory",
    severity: "low",
  },
  "TaskExecution",
  ({ name, props }, report) => {
    if (props.triggers !== undefined && props.triggers !== null) return;
    report(`TaskExecution "${name}" has no triggers, so it runs once, on the first up, and never again: set triggers (e.g. [version]) and change them to run the task again.`);
  },
);

const runAsServiceAccount = resourceRule(
  {
    name: "talend-run-as-service-account",
    description: "Tasks run as a service account, not with the provider's token (often a person's access token with wide rights).",
    enforcementLevel: "advisory",
    severity: "medium",
  },
  "TaskExecution",
  ({ name, props }, report) => {
    if (props.clientId !== undefined) return;
    report(`TaskExecution "${name}" runs with the provider's token (talend:token): run it as a service account, with clientId and clientSecret from a ServiceAccount, or with TaskRunner.run.`);
  },
);

const accountDeletesLogs = heldPermissionsRule(
  {
    name: "talend-account-deletes-logs",
    description: "No service account may delete execution logs: it could erase the record of what it ran.",
    enforcementLevel: "advisory",
    severity: "medium",
    configSchema: { properties: { allowedAccounts: ALLOWED_ACCOUNTS } },
  },
  () => [LOG_DELETION],
  () => "so it can erase the logs of the runs it starts",
);

/** "Checked at apply": what a preview cannot tell is said, never guessed. */
const atApply = (subject: string, why: string) => `${subject} is checked at apply: ${why} not known in preview.`;

/** A stack policy, on who uses what in the stack (see stack.ts). */
function stackRule(policy: Omit<StackValidationPolicy, "validateStack">, check: (graph: StackGraph, report: ReportViolation, config: Config) => void): StackValidationPolicy {
  return { ...policy, validateStack: (args, report) => check(new StackGraph(args.resources), report, args.getConfig<Config>()) };
}

const executeNeedsRun = stackRule(
  {
    name: "talend-execute-needs-run",
    description: "EXECUTE on a workspace only where the stack runs a task as that account in that workspace.",
    enforcementLevel: "advisory",
    severity: "medium",
    configSchema: { properties: { allowedWorkspaces: ALLOWED_WORKSPACES } },
  },
  (graph, report, { allowedWorkspaces = [] }) => {
    for (const grant of graph.grants) {
      const label = `WorkspacePermission "${grant.name}"`;
      if (!knownStrings(grant.props.permissions).includes("EXECUTE")) {
        if (hasUnknown(grant.props.permissions)) report(atApply(`${label}: EXECUTE`, "its permissions are"), grant.urn);
        continue;
      }
      if (workspaceNames(grant.props).some((n) => allowedWorkspaces.includes(n))) continue;
      const account = graph.accountOf(grant);
      if (account === UNKNOWN || account === undefined) {
        report(atApply(`${label}: EXECUTE`, "its account is"), grant.urn);
        continue;
      }
      const runs = graph.runs.map((run) => ({ run, account: graph.accountOf(run) })).filter((r) => r.account === account || r.account === UNKNOWN);
      const verdicts = runs.map(({ run, account: a }) => (a === UNKNOWN ? UNKNOWN : runsIn(graph, run, grant)));
      if (verdicts.includes(true)) continue;
      if (verdicts.includes(UNKNOWN)) {
        report(atApply(`${label}: EXECUTE`, "the account or workspace of a run is"), grant.urn);
        continue;
      }
      const ws = workspaceLabel(grant.props);
      report(
        `${label} grants EXECUTE on workspace ${ws} to ${graph.accountLabel(account)}, but the stack runs no task as that account there: remove EXECUTE, declare the run (with dependsOn: [the grant] when it names its task by id), or allow-list ${ws} in allowedWorkspaces of talend-execute-needs-run.`,
        grant.urn,
      );
    }
  },
);

/**
 * Whether a run is in the grant's workspace: by names when both give them; otherwise the program says so by
 * making the run depend on the grant (as TaskRunner.run and a `dependsOn` do), since a task id names no workspace.
 */
function runsIn(graph: StackGraph, run: Node, grant: Node): boolean | typeof UNKNOWN {
  const where = (n: Node) => [n.props.environment, n.props.workspace];
  const [runEnv, runWs] = where(run);
  const [grantEnv, grantWs] = where(grant);
  if ([runEnv, runWs, grantEnv, grantWs].includes(UNKNOWN)) return graph.dependsOn(run, grant) || UNKNOWN;
  if (typeof runEnv === "string" && typeof runWs === "string" && typeof grantEnv === "string" && typeof grantWs === "string") return runEnv === grantEnv && runWs === grantWs;
  return graph.dependsOn(run, grant);
}

const unusedAccount = stackRule(
  {
    name: "talend-unused-account",
    description: "Every service account has a grant or a run in the stack; one with neither is an unused credential.",
    enforcementLevel: "advisory",
    severity: "low",
    configSchema: { properties: { allowedAccounts: ALLOWED_ACCOUNTS } },
  },
  (graph, report, { allowedAccounts = [] }) => {
    const users = [...graph.grants, ...graph.runs].map((n) => graph.accountOf(n));
    for (const account of graph.accounts) {
      const talend = account.props.name;
      if (users.includes(account.urn) || (typeof talend === "string" && allowedAccounts.includes(talend))) continue;
      const label = `ServiceAccount "${account.name}"`;
      if (users.includes(UNKNOWN) || talend === UNKNOWN) {
        report(atApply(`${label}: its use`, "the account of a grant or run is"), account.urn);
        continue;
      }
      report(
        `${label} (Talend name "${talend}") has no grant and no run in this stack, an unused credential: delete it, grant it what it needs, or allow-list "${talend}" in allowedAccounts of talend-unused-account if something outside this stack uses it.`,
        account.urn,
      );
    }
  },
);

export const policies = [accountAdminPermissions, workspaceWriteAllowList, secretParameters, clientSecretIsSecret, runHasTriggers, runAsServiceAccount, accountDeletesLogs, executeNeedsRun, unusedAccount];
