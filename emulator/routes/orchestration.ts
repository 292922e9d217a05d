import { FiqlError, parseFiql } from "../fiql";
import { type Request, type Response, type Route, error, ok, workspacePermissions } from "../http";
import type { Environment, Task, Workspace } from "../state";

const envView = (e: Environment) => ({ id: e.id, name: e.name, default: e.default });
function wsView(req: Request, w: Workspace) {
  const env = req.store.environments.find((e) => e.id === w.environmentId) as Environment;
  return { id: w.id, name: w.name, owner: w.owner, type: w.type, environment: envView(env) };
}

function filtered<T>(req: Request, items: T[], fields: (item: T) => Record<string, string | undefined>): Response {
  const query = req.query.get("query");
  if (!query) return ok(items);
  try {
    const predicate = parseFiql(query);
    return ok(items.filter((item) => predicate((f) => fields(item)[f])));
  } catch (e) {
    if (e instanceof FiqlError) return error(400, e.message);
    throw e;
  }
}

/** Tasks a caller may see: all for PAT users with "*" workspaces, else those of workspaces it has a permission on. */
function visible(req: Request, t: Task): boolean {
  return workspacePermissions(req.principal, req.store, t.workspaceId).length > 0;
}

function taskExtract(req: Request, t: Task) {
  const w = req.store.workspaces.find((x) => x.id === t.workspaceId) as Workspace;
  return { executable: t.id, name: t.name, workspace: wsView(req, w), artifactId: t.artifact.id, runtime: { type: "CLOUD" } };
}

/** Environments, workspaces and tasks (ORCH-SPEC). */
export const orchestrationRoutes: Route[] = [
  { method: "GET", pattern: "/orchestration/environments", handle: (req) => filtered(req, req.store.environments.map(envView), (e) => ({ id: e.id, name: e.name })) },
  {
    method: "GET",
    pattern: "/orchestration/workspaces",
    handle: (req) => filtered(req, req.store.workspaces.map((w) => wsView(req, w)), (w) => ({ id: w.id, name: w.name, owner: w.owner, type: w.type, "environment.id": w.environment.id, "environment.name": w.environment.name })),
  },
  {
    method: "GET",
    pattern: "/orchestration/executables/tasks",
    handle(req) {
      const limit = Number(req.query.get("limit") ?? 100);
      const offset = Number(req.query.get("offset") ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) return error(400, "limit must be 1..100 and offset >= 0");
      const [envId, wsId, name] = ["environmentId", "workspaceId", "name"].map((k) => req.query.get(k));
      const matching = req.store.tasks.filter(
        (t) => visible(req, t) && (!wsId || t.workspaceId === wsId) && (!name || t.name === name) && (!envId || req.store.workspaces.find((w) => w.id === t.workspaceId)?.environmentId === envId),
      );
      return ok({ items: matching.slice(offset, offset + limit).map((t) => taskExtract(req, t)), limit, offset, total: matching.length });
    },
  },
  {
    method: "GET",
    pattern: "/orchestration/executables/tasks/:taskId",
    handle(req) {
      const t = req.store.tasks.find((x) => x.id === req.params.taskId);
      if (!t || !visible(req, t)) return error(404, "Task not found");
      const w = req.store.workspaces.find((x) => x.id === t.workspaceId) as Workspace;
      return ok({ id: t.id, name: t.name, description: "", workspace: wsView(req, w), version: t.version, artifact: t.artifact, tags: [], connections: {}, parameters: {}, resources: {} });
    },
  },
];
