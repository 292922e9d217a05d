#!/usr/bin/env node
// talend-doctor: checks that given credentials can reach Talend Cloud and, optionally, run a given task —
// and says exactly what is missing, with the fix. Human output by default, --json for CI. Exit code 0 when
// every check passed, 1 when one failed, 2 on bad usage. Never prints a credential.
import { parseArgs } from "node:util";
import { joinCredentialValues } from "./credential-args";
import { type Finding, TalendClient, TalendError, type TalendErrorCode, TokenCache, buildCatalog, redact, runReadiness, tasksAndPlansEditFix } from "../sdk";

interface Check {
  name: string;
  ok: boolean | "unknown";
  detail: string;
  fix?: string;
}

const USAGE = `usage: talend-doctor [--region eu|us|us-west|ap|au | --endpoint URL] [--token PAT]
                     [--client-id ID --client-secret SECRET]
                     [--task NAME --workspace NAME --environment NAME | --task-id ID]
                     [--tasks-and-plans-edit-permission ID] [--json]
Credentials may also come from TALEND_TOKEN, TALEND_CLIENT_ID, TALEND_CLIENT_SECRET; region/endpoint from
TALEND_REGION / TALEND_ENDPOINT. The PAT reads the account's permissions; the service account is tested
by minting a token with it.`;

/** Fixes by error code, in this command's flags; codes absent here keep the SDK's hint. */
const FLAG_FIXES: Partial<Record<TalendErrorCode, (e: TalendError) => string>> = {
  "invalid-token": () => "check --token (or TALEND_TOKEN) and --region/--endpoint: the token must be valid for that region",
  "invalid-client": () => "check --client-id and --client-secret (or TALEND_CLIENT_ID/TALEND_CLIENT_SECRET); a deleted or rotated account needs new credentials",
  "missing-permission": (e) => `${e.hint ? `${e.hint}; ` : ""}grant it to the user of --token, or pass a token of a user who has it`,
  unreachable: () => "check --region/--endpoint (or TALEND_REGION/TALEND_ENDPOINT) and network access to the Talend API",
  "not-found": (e) => `${e.hint ? `${e.hint}; ` : ""}check --task, --workspace and --environment`,
  "ambiguous-name": (e) => `${e.hint ? `${e.hint}; ` : ""}pass --task-id instead`,
};

/** The fix for a failure, in talend-doctor's flags where the error's code has one. */
export function flagFix(e: unknown): string | undefined {
  if (!(e instanceof TalendError)) return undefined;
  return FLAG_FIXES[e.code]?.(e) ?? e.hint;
}

/** Requirement fixes that name one of this command's flags. */
function findingFix(f: Finding): string | undefined {
  return f.check === "tasks-and-plans-edit" && f.ok === "unknown" ? "pass --tasks-and-plans-edit-permission with the ID shown in Talend Management Console" : f.fix;
}

export async function doctor(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ checks: Check[]; ok: boolean; help?: string }> {
  const { values: o } = parseArgs({
    args: joinCredentialValues(argv),
    options: {
      region: { type: "string" },
      endpoint: { type: "string" },
      token: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      task: { type: "string" },
      workspace: { type: "string" },
      environment: { type: "string" },
      "task-id": { type: "string" },
      "tasks-and-plans-edit-permission": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (o.help) return { checks: [], ok: true, help: USAGE };
  const region = o.region ?? env.TALEND_REGION;
  const endpoint = o.endpoint ?? env.TALEND_ENDPOINT;
  const token = o.token ?? env.TALEND_TOKEN;
  const clientId = o["client-id"] ?? env.TALEND_CLIENT_ID;
  const clientSecret = o["client-secret"] ?? env.TALEND_CLIENT_SECRET;
  const checks: Check[] = [];
  const add = (c: Check) => checks.push({ ...c, detail: redact(c.detail) });

  if (!token && !(clientId && clientSecret)) {
    add({ name: "credentials", ok: false, detail: "no credentials given", fix: "pass --token (or TALEND_TOKEN) and/or --client-id with --client-secret" });
    return { checks, ok: false };
  }
  const tokenCache = new TokenCache();
  const pat = token ? new TalendClient({ region, endpoint, credentials: { token }, tokenCache, retry: { maxAttempts: 2 } }) : undefined;
  const sa = clientId && clientSecret ? new TalendClient({ region, endpoint, credentials: { clientId, clientSecret }, tokenCache, retry: { maxAttempts: 2 } }) : undefined;
  const primary = (pat ?? sa) as TalendClient;
  try {
    // A service account proves itself by minting a token; without a PAT, nothing else can be checked then.
    if (sa) {
      try {
        await sa.accessToken();
        add({ name: "token-minting", ok: true, detail: `a token was minted for service account ${clientId}` });
      } catch (e) {
        add({ name: "token-minting", ok: false, detail: message(e), fix: flagFix(e) });
        if (!pat) return { checks, ok: false };
      }
    }
    let catalogIds: string[] | undefined;
    try {
      catalogIds = await primary.serviceAccounts.permissionCatalog();
      add({ name: "connectivity", ok: true, detail: `${primary.baseUrl} answered; ${catalogIds.length} account permissions in the catalogue` });
    } catch (e) {
      add({ name: "connectivity", ok: false, detail: message(e), fix: flagFix(e) });
      return { checks, ok: false };
    }
    const catalog = buildCatalog(catalogIds, o["tasks-and-plans-edit-permission"]);
    add(catalog.tasksAndPlansEdit
      ? { name: "tasks-and-plans-edit-id", ok: true, detail: `"Tasks and Plans - Edit" is ${catalog.tasksAndPlansEdit} (${catalog.tasksAndPlansEditReason})` }
      : { name: "tasks-and-plans-edit-id", ok: "unknown", detail: catalog.tasksAndPlansEditReason, fix: tasksAndPlansEditFix(catalog.undocumented) });
    const wantsTask = o["task-id"] || o.task;
    if (!wantsTask) return { checks, ok: checks.every((c) => c.ok !== false) };
    let workspace: { id: string; name?: string };
    let taskLabel: string;
    try {
      if (o["task-id"]) {
        const t = await primary.tasks.get(o["task-id"]);
        workspace = { id: t.workspace?.id ?? "", name: t.workspace?.name };
        taskLabel = `"${t.name}" (${t.id})`;
      } else {
        if (!o.workspace || !o.environment) throw new TalendError({ kind: "config", message: "--task needs --workspace and --environment" });
        const ws = await primary.workspaces.getByName(o.workspace, o.environment);
        const t = await primary.tasks.findByName(o.task as string, ws.id);
        workspace = { id: ws.id, name: ws.name };
        taskLabel = `"${t.name}" (${t.executable})`;
      }
      add({ name: "task", ok: true, detail: `task ${taskLabel} is in workspace ${workspace.name ?? workspace.id}` });
    } catch (e) {
      add({ name: "task", ok: false, detail: message(e), fix: flagFix(e) });
      return { checks, ok: false };
    }
    if (sa && clientId) {
      if (!pat) {
        add({ name: "permissions", ok: "unknown", detail: "a service account cannot read its own permissions", fix: "also pass --token (a PAT with Service Account - Manage and Users - Manage) to check them" });
      } else {
        const findings: Finding[] = await runReadiness(pat, catalog, clientId, workspace);
        for (const f of findings) add({ name: f.check, ok: f.ok, detail: f.detail, fix: findingFix(f) });
      }
    }
    return { checks, ok: checks.every((c) => c.ok !== false) };
  } finally {
    await pat?.close();
    await sa?.close();
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split("\nFix:")[0] ?? e.message : String(e);
}

function render(checks: Check[], ok: boolean): string {
  const mark = (c: Check) => (c.ok === true ? "ok  " : c.ok === false ? "FAIL" : "??  ");
  const lines = checks.map((c) => `${mark(c)} ${c.name}: ${c.detail}${c.fix && c.ok !== true ? `\n     fix: ${c.fix}` : ""}`);
  lines.push("", ok ? "All checks passed." : "Some checks failed: apply the fixes above, then run talend-doctor again.");
  return lines.join("\n");
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  doctor(argv).then(
    ({ checks, ok, help }) => {
      if (help) {
        console.log(help);
        process.exit(0);
      }
      console.log(argv.includes("--json") ? JSON.stringify({ ok, checks }, null, 2) : render(checks, ok));
      process.exit(ok ? 0 : 1);
    },
    (e: Error) => {
      console.error(`talend-doctor: ${redact(e.message)}\n\n${USAGE}`);
      process.exit(2);
    },
  );
}
