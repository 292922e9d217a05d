// The pack's rules, called as the engine calls them: through @pulumi/policy's own Analyze/AnalyzeStack handlers
// (the functions its gRPC server registers), with properties marshalled as the engine marshals them (secrets and
// preview unknowns included). The provider plugin (`talend:index:*`) does not exist yet, so its resources are
// checked here, by type token, and not through the CLI. Configuration (allow-lists) is the server's module state,
// set only over gRPC, so configured rules are called directly with the same arguments the server builds.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { kindOf } from "../../policy/inputs";
import { policies, soundsSecret } from "../../policy/rules";
import { repoRoot } from "../../tools/repo-root";

const server = require("@pulumi/policy/server");
const { deserializeProperties } = require("@pulumi/policy/deserialize");

const FAMILIES = ["pulumi-nodejs:dynamic/talend", "talend:index"] as const;
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const UNKNOWN_STRING = unknownValue;

interface Diagnostic {
  policy: string;
  message: string;
  mandatory: boolean;
  urn: string;
}
const toDiagnostics = (resp: analyzerproto.AnalyzeResponse): Diagnostic[] =>
  resp.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: d.getMessage().split("\n").slice(1).join("\n"), mandatory: d.getEnforcementlevel() === analyzerproto.EnforcementLevel.MANDATORY, urn: d.getUrn() }));

/** As the engine marshals properties: an absent value is no property at all. */
const struct = (props: Record<string, unknown>) => Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
const urnOf = (type: string, name: string) => `urn:pulumi:test::e2e::${type}::${name}`;

/** Analyze of one resource, as the engine sends it before the resource's step. */
function analyze(type: string, props: Record<string, unknown>, name = "r"): Promise<Diagnostic[]> {
  const req = new analyzerproto.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(urnOf(type, name));
  req.setProperties(struct(props));
  req.setOptions(new analyzerproto.AnalyzerResourceOptions());
  return new Promise((resolve, reject) => server.makeAnalyzeRpcFun("pulumi-talend", "0.1.0", "advisory", policies)({ request: req }, (err: Error | undefined, resp: analyzerproto.AnalyzeResponse) => (err ? reject(err) : resolve(toDiagnostics(resp)))));
}

interface StackResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  dependsOn?: string[];
  /** Property name -> names of the resources its value comes from. */
  from?: Record<string, string[]>;
}

/** AnalyzeStack of a whole stack, as the engine sends it after the steps. */
function analyzeStack(resources: StackResource[]): Promise<Diagnostic[]> {
  const urn = (name: string) => urnOf(resources.find((r) => r.name === name)!.type, name);
  const req = new analyzerproto.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const res = new analyzerproto.AnalyzerResource();
      res.setType(r.type);
      res.setName(r.name);
      res.setUrn(urn(r.name));
      res.setProperties(struct(r.props));
      res.setOptions(new analyzerproto.AnalyzerResourceOptions());
      res.setDependenciesList([...(r.dependsOn ?? []), ...Object.values(r.from ?? {}).flat()].map(urn));
      for (const [prop, names] of Object.entries(r.from ?? {})) res.getPropertydependenciesMap().set(prop, new analyzerproto.AnalyzerPropertyDependencies().setUrnsList(names.map(urn)));
      return res;
    }),
  );
  return new Promise((resolve, reject) => server.makeAnalyzeStackRpcFun("pulumi-talend", "0.1.0", "advisory", policies)({ request: req }, (err: Error | undefined, resp: analyzerproto.AnalyzeResponse) => (err ? reject(err) : resolve(toDiagnostics(resp)))));
}

const policy = (name: string) => policies.find((p) => p.name === name)!;
/** Properties as @pulumi/policy's server builds them for a validator (see server.js, makeAnalyzeRpcFun). */
const proxied = (props: Record<string, unknown>) => unknownCheckingProxy(deserializeProperties(struct(props), false));

/** A resource rule called directly, with configuration. */
function validate(name: string, type: string, props: Record<string, unknown>, config: object, deserialized = true): string[] {
  const messages: string[] = [];
  const args = { type, name: "r", urn: urnOf(type, "r"), props: deserialized ? proxied(props) : unknownCheckingProxy(props), getConfig: () => config } as unknown as ResourceValidationArgs;
  const rule = (policy(name) as ResourceValidationPolicy).validateResource as (a: ResourceValidationArgs, report: (m: string) => void) => void;
  rule(args, (m) => messages.push(m));
  return messages;
}

/** A stack rule called directly, with configuration. */
function validateStack(name: string, resources: StackResource[], config: object): string[] {
  const messages: string[] = [];
  const byName = new Map<string, PolicyResource>();
  for (const r of resources) byName.set(r.name, { type: r.type, name: r.name, urn: urnOf(r.type, r.name), props: proxied(r.props), dependencies: [], propertyDependencies: {} } as unknown as PolicyResource);
  for (const r of resources) {
    const res = byName.get(r.name)!;
    res.dependencies = (r.dependsOn ?? []).map((n) => byName.get(n)!);
    res.propertyDependencies = Object.fromEntries(Object.entries(r.from ?? {}).map(([k, names]) => [k, names.map((n) => byName.get(n)!)]));
  }
  (policy(name) as StackValidationPolicy).validateStack({ resources: [...byName.values()], getConfig: () => config } as never, (m) => messages.push(m));
  return messages;
}

const SA = "pulumi-nodejs:dynamic/talend:ServiceAccount";
const WP = "pulumi-nodejs:dynamic/talend:WorkspacePermission";
const TE = "pulumi-nodejs:dynamic/talend:TaskExecution";
const run = { task: "seed-database", workspace: "ops", environment: "development", clientId: "sa-1", clientSecret: secret("s3cr3t"), triggers: ["1"] };

test("both type-token families are matched; intents, the TaskRunner component and other types are not", () => {
  for (const family of FAMILIES) {
    for (const kind of ["ServiceAccount", "WorkspacePermission", "TaskExecution"]) assert.equal(kindOf(`${family}:${kind}`), kind);
    for (const other of ["ServiceAccountIntent", "TaskExecutionIntent", "AccountsIntent", "SomeFutureIntent", "TaskRunner", "Provider"]) assert.equal(kindOf(`${family}:${other}`), undefined, other);
  }
  for (const other of ["pulumi-nodejs:dynamic:ServiceAccount", "talend:other:ServiceAccount", "pulumi:providers:talend", "aws:iam/user:User", "talend:index:ServiceAccountX"]) assert.equal(kindOf(other), undefined, other);
});

test("every mandatory rule is a resource policy (checked before the resource's step); stack rules are advisory", () => {
  assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
  for (const p of policies) {
    assert.match(p.name, /^talend-[a-z-]+$/);
    if (p.enforcementLevel === "mandatory") assert.ok("validateResource" in p, `${p.name} is a resource policy`);
    if ("validateStack" in p) assert.equal(p.enforcementLevel, "advisory", p.name);
  }
  assert.deepEqual(policies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name).sort(), ["talend-account-admin-permissions", "talend-client-secret-is-secret", "talend-secret-parameters", "talend-workspace-write-allow-list"]);
});

for (const family of FAMILIES) {
  describe(`resource rules on ${family}:* (through @pulumi/policy's Analyze)`, () => {
    const type = (kind: string) => `${family}:${kind}`;

    test("talend-account-admin-permissions: refuses each admin permission, names the account and the fix; passes engine-only accounts", async () => {
      for (const perm of ["TMC_USER_MANAGEMENT", "TMC_SERVICE_ACCOUNT_MANAGEMENT", "TMC_ROLE_MANAGEMENT", "TMC_GROUP_MANAGEMENT", "TMC_SSO_MANAGEMENT"]) {
        const [d, ...more] = await analyze(type("ServiceAccount"), { name: "ops-admin", permissions: ["TMC_ENGINE_USE", perm] }, "admin");
        assert.equal(more.length, 0);
        assert.equal(d!.policy, "talend-account-admin-permissions");
        assert.ok(d!.mandatory);
        assert.equal(d!.message, `ServiceAccount "admin" (Talend name "ops-admin") holds ${perm}, which lets it grant itself any access: remove it, or allow-list "ops-admin" in allowedAccounts of talend-account-admin-permissions.`);
      }
      assert.deepEqual(await analyze(type("ServiceAccount"), { name: "ci", permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] }), []);
    });

    test("talend-workspace-write-allow-list: AUTHOR, MANAGE, PUBLISH are refused by workspace id or name; EXECUTE and VIEW pass", async () => {
      const byName = await analyze(type("WorkspacePermission"), { serviceAccountId: "sa-1", workspace: "ops", environment: "production", permissions: ["EXECUTE", "MANAGE", "PUBLISH"] }, "deployer");
      assert.deepEqual(byName.map((d) => [d.policy, d.mandatory, d.message]), [
        ["talend-workspace-write-allow-list", true, 'WorkspacePermission "deployer" grants MANAGE, PUBLISH on workspace "production/ops", beyond what running tasks needs (EXECUTE): grant EXECUTE only, or allow-list "production/ops" in allowedWorkspaces of talend-workspace-write-allow-list.'],
      ]);
      const byId = await analyze(type("WorkspacePermission"), { serviceAccountId: "sa-1", workspaceId: "ws-42", permissions: ["AUTHOR"] }, "g");
      assert.match(byId[0]!.message, /grants AUTHOR on workspace "ws-42"/);
      assert.deepEqual(await analyze(type("WorkspacePermission"), { serviceAccountId: "sa-1", workspaceId: "ws-42", permissions: ["EXECUTE", "VIEW"] }), []);
    });

    test("talend-secret-parameters and talend-client-secret-is-secret: plain values are refused without printing them; secrets pass", async () => {
      const plain = await analyze(type("TaskExecution"), { ...run, clientSecret: "literal-secret", parameters: { "db.password": "hunter2", apiKey: secret("k"), target_schema: "public" } }, "seed");
      assert.deepEqual(plain.map((d) => [d.policy, d.mandatory, d.message]).sort(), [
        ["talend-client-secret-is-secret", true, `TaskExecution "seed" takes clientSecret in plain text: pass the ServiceAccount's clientSecret output (a secret), or config.requireSecret(...).`],
        ["talend-secret-parameters", true, `TaskExecution "seed" passes parameter "db.password" in plain text, and its name says it is a secret: pass pulumi.secret(...) or config.requireSecret(...), or allow-list "db.password" in allowedParameters of talend-secret-parameters.`],
      ]);
      assert.ok(!plain.some((d) => /hunter2|literal-secret/.test(d.message)), "no value in any message");
      assert.deepEqual(await analyze(type("TaskExecution"), { ...run, parameters: { "db.password": secret("hunter2"), api_token: secret("t") } }), []);
      assert.deepEqual(await analyze(type("TaskExecution"), { ...run, parameters: secret({ "db.password": "hunter2" }) }), [], "a secret map makes each value secret");
    });

    test("a preview's unknowns: nothing is guessed, and the SDK's generic \"can't run during preview\" never appears", async () => {
      // In a preview, an unknown secret arrives unmarked (the SDK cannot know it is one yet): checked at apply.
      assert.deepEqual(await analyze(type("TaskExecution"), { ...run, clientId: UNKNOWN_STRING, clientSecret: UNKNOWN_STRING, parameters: { password: UNKNOWN_STRING } }), []);
      assert.deepEqual(await analyze(type("ServiceAccount"), { name: "ci", permissions: UNKNOWN_STRING }), []);
      assert.deepEqual(await analyze(type("ServiceAccount"), { name: UNKNOWN_STRING, permissions: ["TMC_USER_MANAGEMENT"] }), []);
      assert.deepEqual(await analyze(type("WorkspacePermission"), { serviceAccountId: UNKNOWN_STRING, workspaceId: UNKNOWN_STRING, permissions: ["AUTHOR"] }), []);
      // Known values beside unknown ones are still checked.
      assert.equal((await analyze(type("ServiceAccount"), { name: "x", permissions: ["TMC_ROLE_MANAGEMENT", UNKNOWN_STRING] })).length, 1);
    });

    test("advisory resource rules: no triggers, the provider's token, log deletion", async () => {
      const once = await analyze(type("TaskExecution"), { ...run, triggers: undefined, clientId: undefined, clientSecret: undefined }, "seed");
      assert.deepEqual(once.map((d) => [d.policy, d.mandatory, d.message]).sort(), [
        ["talend-run-as-service-account", false, `TaskExecution "seed" runs with the provider's token (talend:token): run it as a service account, with clientId and clientSecret from a ServiceAccount, or with TaskRunner.run.`],
        ["talend-run-has-triggers", false, `TaskExecution "seed" has no triggers, so it runs once, on the first up, and never again: set triggers (e.g. [version]) and change them to run the task again.`],
      ]);
      assert.deepEqual(await analyze(type("TaskExecution"), { ...run, triggers: UNKNOWN_STRING }), [], "unknown triggers are triggers");
      const logs = await analyze(type("ServiceAccount"), { name: "cleaner", permissions: ["EXECUTION_LOGS_DELETE"] }, "c");
      assert.deepEqual(logs.map((d) => [d.policy, d.mandatory, d.message]), [["talend-account-deletes-logs", false, `ServiceAccount "c" (Talend name "cleaner") holds EXECUTION_LOGS_DELETE, so it can erase the logs of the runs it starts: remove it, or allow-list "cleaner" in allowedAccounts of talend-account-deletes-logs.`]]);
    });

    test("companions and components carry the same input names and are ignored", async () => {
      for (const other of ["ServiceAccountIntent", "TaskExecutionIntent", "TaskRunner"]) assert.deepEqual(await analyze(type(other), { name: "x", permissions: ["TMC_USER_MANAGEMENT"], parameters: { password: "p" } }), []);
    });
  });
}

test("parameter names that say secret: words and whole-word keys, not every name containing 'key'", () => {
  for (const name of ["password", "db.password", "DB_PASSWORD", "dbPassword", "passwd", "pwd", "api_key", "apiKey", "API-KEY", "accessToken", "token", "client_secret", "secretName", "credentials", "ssh.passphrase", "privateKeyPath"]) assert.ok(soundsSecret(name), name);
  for (const name of ["target_schema", "keyspace", "monkey", "keyboard_layout", "partition", "hostname", "user"]) assert.ok(!soundsSecret(name), name);
});

test("configuration: allow-lists and a custom deny-list", () => {
  const admin = { name: "tenant-admin", permissions: ["TMC_USER_MANAGEMENT"] };
  assert.equal(validate("talend-account-admin-permissions", SA, admin, {}).length, 1);
  assert.deepEqual(validate("talend-account-admin-permissions", SA, admin, { allowedAccounts: ["tenant-admin"] }), []);
  assert.deepEqual(validate("talend-account-admin-permissions", SA, { ...admin, uniqueSuffix: true, suffix: "a1b2c3" }, { allowedAccounts: ["tenant-admin"] }), [], "by name, without the suffix");
  assert.deepEqual(validate("talend-account-admin-permissions", SA, admin, { deniedPermissions: ["TMC_CLUSTER_MANAGEMENT"] }), []);
  assert.equal(validate("talend-account-admin-permissions", SA, { name: "x", permissions: ["TMC_CLUSTER_MANAGEMENT"] }, { deniedPermissions: ["TMC_CLUSTER_MANAGEMENT"] }).length, 1);

  const write = { serviceAccountId: "sa", workspace: "sandbox", environment: "development", permissions: ["AUTHOR"] };
  assert.deepEqual(validate("talend-workspace-write-allow-list", WP, write, { allowedWorkspaces: ["development/sandbox"] }), []);
  assert.equal(validate("talend-workspace-write-allow-list", WP, write, { allowedWorkspaces: ["production/sandbox"] }).length, 1);
  assert.deepEqual(validate("talend-workspace-write-allow-list", WP, { serviceAccountId: "sa", workspaceId: "ws-1", permissions: ["PUBLISH"] }, { allowedWorkspaces: ["ws-1"] }), []);

  assert.deepEqual(validate("talend-secret-parameters", TE, { ...run, parameters: { token_url: "https://x" } }, { allowedParameters: ["token_url"] }), []);
  assert.deepEqual(validate("talend-account-deletes-logs", SA, { name: "cleaner", permissions: ["EXECUTION_LOGS_DELETE"] }, { allowedAccounts: ["cleaner"] }), []);
});

test("when @pulumi/policy hides which values are secrets, the secret rules refuse rather than guess", () => {
  const props = { ...run, clientSecret: "s", parameters: { password: "p" } };
  const [param] = validate("talend-secret-parameters", TE, props, {}, false);
  assert.match(param!, /^TaskExecution "r": cannot tell whether parameter "password" is a Pulumi secret: @pulumi\/policy 1\.21\.0 no longer shows the pack which values are secrets .*install @pulumi\/policy@~1\.21\.0, or set talend-secret-parameters to "disabled"/);
  assert.match(validate("talend-client-secret-is-secret", TE, props, {}, false)[0]!, /cannot tell whether clientSecret is a Pulumi secret/);
  assert.deepEqual(validate("talend-secret-parameters", TE, { ...props, parameters: { schema: "p" } }, {}, false), [], "only names that sound secret need it");
});

describe("stack rules (through @pulumi/policy's AnalyzeStack)", () => {
  const account = (name: string, extra: object = {}): StackResource => ({ type: SA, name, props: { name, permissions: ["TMC_ENGINE_USE"], ...extra } });

  test("talend-execute-needs-run: a run by the account in the workspace (by names, or depending on the grant) uses EXECUTE", async () => {
    const stack: StackResource[] = [
      account("runner", { clientId: "sa-1" }),
      { type: WP, name: "ops", props: { serviceAccountId: "sa-1", workspace: "ops", environment: "development", permissions: ["EXECUTE"] }, from: { serviceAccountId: ["runner"] } },
      { type: WP, name: "analytics", props: { serviceAccountId: "sa-1", workspace: "analytics", environment: "development", permissions: ["EXECUTE"] }, from: { serviceAccountId: ["runner"] } },
      { type: WP, name: "by-id", props: { serviceAccountId: "sa-1", workspaceId: "ws-9", resolvedWorkspaceId: "ws-9", permissions: ["EXECUTE"] }, from: { serviceAccountId: ["runner"] } },
      { type: TE, name: "seed", props: { ...run, clientId: "sa-1" }, from: { clientId: ["runner"], clientSecret: ["runner"] } },
      { type: TE, name: "by-task-id", props: { ...run, task: undefined, workspace: undefined, environment: undefined, taskId: "t-1", clientId: "sa-1" }, from: { clientId: ["runner"] }, dependsOn: ["by-id"] },
    ];
    const ds = await analyzeStack(stack);
    assert.deepEqual(ds.map((d) => [d.policy, d.mandatory, d.urn, d.message]), [
      ["talend-execute-needs-run", false, urnOf(WP, "analytics"), 'WorkspacePermission "analytics" grants EXECUTE on workspace "development/analytics" to ServiceAccount "runner", but the stack runs no task as that account there: remove EXECUTE, declare the run (with dependsOn: [the grant] when it names its task by id), or allow-list "development/analytics" in allowedWorkspaces of talend-execute-needs-run.'],
    ]);
    assert.deepEqual(validateStack("talend-execute-needs-run", stack, { allowedWorkspaces: ["development/analytics"] }), []);
    // A run by another account, or with the provider's token, does not count.
    const other = stack.map((r) => (r.name === "seed" ? { ...r, props: { ...r.props, clientId: "sa-2" }, from: {} } : r));
    assert.ok(validateStack("talend-execute-needs-run", other, {}).some((m) => m.startsWith('WorkspacePermission "ops" grants EXECUTE')));
  });

  test("talend-execute-needs-run in a first preview: ids unknown, the program's data flow tells the account; else checked at apply", async () => {
    const stack: StackResource[] = [
      account("runner"),
      { type: WP, name: "ops", props: { serviceAccountId: UNKNOWN_STRING, workspaceId: UNKNOWN_STRING, permissions: ["EXECUTE"] }, from: { serviceAccountId: ["runner"] } },
      { type: TE, name: "seed", props: { ...run, clientId: UNKNOWN_STRING, clientSecret: UNKNOWN_STRING }, from: { clientId: ["runner"] }, dependsOn: ["ops"] },
    ];
    assert.deepEqual(await analyzeStack(stack), []);
    const unlinked = stack.map((r) => (r.type === WP ? { ...r, from: {} } : r));
    assert.deepEqual((await analyzeStack(unlinked)).map((d) => [d.policy, d.message]), [["talend-execute-needs-run", 'WorkspacePermission "ops": EXECUTE is checked at apply: its account is not known in preview.']]);
  });

  test("talend-unused-account: an account with no grant and no run; allow-listed, granted or running accounts pass", async () => {
    const stack: StackResource[] = [
      account("granted", { clientId: "sa-1" }),
      account("running", { clientId: "sa-2" }),
      account("idle", { clientId: "sa-3", name: "idle-one" }),
      account("fresh"),
      { type: WP, name: "g", props: { serviceAccountId: "sa-1", workspaceId: "ws-1", permissions: ["VIEW"] } },
      { type: TE, name: "t", props: { ...run, clientId: "sa-2" } },
      { type: TE, name: "u", props: { ...run, clientId: UNKNOWN_STRING }, from: { clientId: ["fresh"] } },
    ];
    const ds = await analyzeStack(stack);
    assert.deepEqual(ds.map((d) => [d.policy, d.urn, d.message]), [
      ["talend-unused-account", urnOf(SA, "idle"), 'ServiceAccount "idle" (Talend name "idle-one") has no grant and no run in this stack, an unused credential: delete it, grant it what it needs, or allow-list "idle-one" in allowedAccounts of talend-unused-account if something outside this stack uses it.'],
    ]);
    assert.deepEqual(validateStack("talend-unused-account", stack, { allowedAccounts: ["idle-one"] }), []);
    const unknownRun = stack.map((r) => (r.name === "u" ? { ...r, from: {} } : r));
    assert.deepEqual(validateStack("talend-unused-account", unknownRun, {}), ['ServiceAccount "idle": its use is checked at apply: the account of a grant or run is not known in preview.', 'ServiceAccount "fresh": its use is checked at apply: the account of a grant or run is not known in preview.']);
  });
});

test("the pack directory: PulumiPolicy.yaml (nodejs) and a package.json whose version is the package's and whose main is the compiled pack", () => {
  const root = repoRoot();
  const pack = JSON.parse(readFileSync(join(root, "policy", "package.json"), "utf8"));
  assert.equal(pack.version, JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
  assert.equal(require.resolve(join(root, "policy")), join(root, "dist", "policy", "index.js"));
  assert.match(readFileSync(join(root, "policy", "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
});
