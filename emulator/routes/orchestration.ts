import { FiqlError, parseFiql } from "../fiql";
import { type Request, type Response, type Route, error, intParam, ok, workspacePermissions } from "../http";
import type { Environment, Store, Task, Workspace } from "../state";

/** ORCH-SPEC `EnvironmentInfo` (description is not returned in lists). */
const envView = (e: Environment) => ({ id: e.id, name: e.name, default: e.default });
/** ORCH-SPEC `WorkspaceInfo`. */
export function wsView(store: Store, workspaceId: string) {
  const w = store.workspaces.find((x) => x.id === workspaceId) as Workspace;
  const env = store.environments.find((e) => e.id === w.environmentId) as Environment;
  return { id: w.id, name: w.name, owner: w.owner, type: w.type, environment: envView(env), protectedArtifactUpdate: false };
}

/** Applies `query` (FIQL) over the given selectors; 400 ErrorResponse on a syntax error. */
function filtered<T>(req: Request, items: T[], selectors: (item: T) => Record<string, string | undefined>, supported: string[]): Response {
  const query = req.query.get("query");
  if (!query) return ok(items);
  try {
    const predicate = parseFiql(query, supported);
    return ok(items.filter((item) => predicate((f) => selectors(item)[f])));
  } catch (e) {
    if (e instanceof FiqlError) return error(400, "Bad Request", e.message);
    throw e;
  }
}

/** A service-account token sees the tasks of workspaces it held any permission on when minted; a PAT sees all. */
const visible = (req: Request, t: Task) => req.principal.kind === "pat" || workspacePermissions(req.principal, t.workspaceId).length > 0;

/** ORCH-SPEC `TaskExtract`. */
const taskExtract = (req: Request, t: Task) => ({ executable: t.id, name: t.name, workspace: wsView(req.store, t.workspaceId), artifactId: t.artifact.id, runtime: { type: "CLOUD" } });

/** Environments, workspaces and tasks (ORCH-SPEC). Lists of environments and workspaces are not filtered by permission. */
export const orchestrationRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/orchestration/environments",
    handle: (req) => filtered(req, req.store.environments, (e) => ({ id: e.id, name: e.name, description: e.description ?? "" }), ["id", "name", "description"]),
  },
  {
    method: "GET",
    pattern: "/orchestration/workspaces",
    handle: (req) =>
      filtered(
        req,
        req.store.workspaces.map((w) => wsView(req.store, w.id)),
        (w) => ({ id: w.id, name: w.name, owner: w.owner, type: w.type, "environment.id": w.environment.id, "environment.name": w.environment.name }),
        ["id", "name", "owner", "type", "environment.id", "environment.name"],
      ),
  },
  {
    method: "GET",
    pattern: "/orchestration/executables/tasks",
    handle(req) {
      const limit = intParam(req.query, "limit", 100, 1, 100);
      const offset = intParam(req.query, "offset", 0, 0);
      if (limit === undefined || offset === undefined) return error(400, "Bad Request", "limit must be in range [1, 100] and offset >= 0");
      const q = (k: string) => req.query.get(k) || undefined;
      const [envId, wsId, name, artifactId, runtimeType] = ["environmentId", "workspaceId", "name", "artifactId", "runtimeType"].map(q);
      const matching = req.store.tasks.filter(
        (t) =>
          visible(req, t) &&
          (!wsId || t.workspaceId === wsId) &&
          (!name || t.name === name) &&
          (!artifactId || t.artifact.id === artifactId) &&
          (!runtimeType || runtimeType === "CLOUD") &&
          (!envId || req.store.workspaces.find((w) => w.id === t.workspaceId)?.environmentId === envId),
      );
      return ok({ items: matching.slice(offset, offset + limit).map((t) => taskExtract(req, t)), limit, offset, total: matching.length });
    },
  },
  {
    method: "GET",
    pattern: "/orchestration/executables/tasks/:taskId",
    handle(req) {
      const t = req.store.tasks.find((x) => x.id === req.params.taskId);
      if (!t || !visible(req, t)) return error(404, "Not Found", `Task ${req.params.taskId} not found`);
      // ORCH-SPEC `TaskV21`.
      return ok({
        id: t.id, name: t.name, description: "", workspace: wsView(req.store, t.workspaceId), version: t.version, artifact: { ...t.artifact },
        tags: [...t.tags], connections: {}, parameters: { ...t.parameters }, resources: {},
        autoUpgradeInfo: { autoUpgradable: false, overrideWithDefaultParameters: false }, taskPauseDetails: { pause: t.paused },
      });
    },
  },
];
