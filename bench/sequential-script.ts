import { setTimeout as sleep } from "node:timers/promises";

/**
 * The peer to beat: the bootstrap as people script it today, following the documentation step by step —
 * create each account, grant each workspace, then mint a fresh token for every call of the run and poll —
 * and its teardown (each grant, then each account). Plain fetch, one request at a time.
 */
export async function sequentialScript(base: string, pat: string, k: number): Promise<{ seconds: number; requests: number; teardown: { seconds: number; requests: number } }> {
  let requests = 0;
  const call = async (method: string, path: string, auth: string, body?: unknown) => {
    requests++;
    const res = await fetch(base + path, { method, headers: { authorization: auth, "content-type": "application/json", "talend-version": "2021-03" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const bearer = `Bearer ${pat}`;
  const started = Date.now();
  const env = (await call("GET", "/orchestration/environments", bearer)).find((e: { name: string }) => e.name === "development");
  const workspaces = (await call("GET", `/orchestration/workspaces?query=${encodeURIComponent(`environment.id==${env.id}`)}`, bearer)).filter((w: { name: string }) => ["ops", "analytics"].includes(w.name));
  const accounts: Array<{ id: string; secret: string }> = [];
  for (let i = 0; i < k; i++) {
    const sa = await call("POST", "/account/service-accounts", bearer, { name: `script-${i}`, permissions: ["TMC_ENGINE_USE", "TMC_TASKS_AND_PLANS_EDIT"] });
    for (const w of workspaces) await call("POST", `/security/workspaces/${w.id}/service-accounts/${sa.id}/permissions`, bearer, ["EXECUTE"]);
    accounts.push(sa);
  }
  const freshToken = async () => {
    const sa = accounts[0];
    const t = await call("POST", "/security/oauth/token", `Basic ${Buffer.from(`${sa.id}:${sa.secret}`).toString("base64")}`, { audience: base, grant_type: "client_credentials" });
    return `Bearer ${t.access_token}`;
  };
  const ops = workspaces.find((w: { name: string }) => w.name === "ops");
  const task = (await call("GET", `/orchestration/executables/tasks?workspaceId=${ops.id}&name=seed-database`, bearer)).items[0];
  const { executionId } = await call("POST", "/processing/executions", await freshToken(), { executable: task.executable });
  for (;;) {
    const status = await call("GET", `/processing/executions/${executionId}`, await freshToken());
    if (!["dispatching", "executing"].includes(status.status)) break;
    await sleep(50);
  }
  const seconds = (Date.now() - started) / 1000;
  const bootstrapRequests = requests;
  const teardownStarted = Date.now();
  for (const sa of accounts) {
    for (const w of workspaces) await call("DELETE", `/security/workspaces/${w.id}/service-accounts/${sa.id}/permissions`, bearer);
    await call("DELETE", `/account/service-accounts/${sa.id}`, bearer);
  }
  return { seconds, requests: bootstrapRequests, teardown: { seconds: (Date.now() - teardownStarted) / 1000, requests: requests - bootstrapRequests } };
}
