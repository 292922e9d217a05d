import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Request, type Route, accountPermissions, error, noContent, ok, principalId, workspacePermissions } from "../http";
import type { Execution } from "../state";

const Body = z.object({
  executable: z.string().min(1),
  parameters: z.record(z.string(), z.string()).optional(),
  logLevel: z.enum(["OFF", "ERROR", "WARN", "INFO"]).optional(),
  timeout: z.number().int().min(1).optional(),
});

/** Exactly the body of the support article: no message beyond "Forbidden". */
const forbidden = () => ({ status: 403, body: { status: 403, requestId: randomUUID(), message: "Forbidden" } });

function view(req: Request, e: Execution) {
  const s = req.store.statusOf(e);
  const iso = (ms?: number) => (ms === undefined ? undefined : req.store.clock.iso(ms));
  return {
    executionId: e.executionId, accountId: req.store.tenantId, userId: e.userId, userType: e.userType, jobId: e.taskId, jobVersion: e.taskVersion,
    workspaceId: e.workspaceId, environmentVersion: "1.3", executionDestination: "CLOUD", executionType: "MANUAL", apiVersion: "2021-03",
    status: s.status, executionStatus: s.executionStatus, triggerTimestamp: iso(e.triggeredAt), startTimestamp: iso(s.startedAt), finishTimestamp: iso(s.finishedAt),
    ...(s.errorMessage && { errorMessage: s.errorMessage, errorType: "EXECUTION_ERROR" }), ...(e.timeoutMinutes && { timeout: e.timeoutMinutes }),
  };
}

/** The caller may see an execution it started, or one in a workspace where it holds VIEW or EXECUTE. */
function find(req: Request, id: string): Execution | undefined {
  const e = req.store.executions.find((x) => x.executionId === id);
  if (!e) return undefined;
  const perms = workspacePermissions(req.principal, req.store, e.workspaceId);
  return e.userId === principalId(req.principal) || perms.includes("VIEW") || perms.includes("EXECUTE") ? e : undefined;
}

/** Task executions (PROC-SPEC) and their logs (LOGS-SPEC). */
export const processingRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/processing/executions",
    handle(req) {
      const body = Body.safeParse(req.body);
      if (!body.success) return error(400, `Invalid body: ${body.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
      const task = req.store.tasks.find((t) => t.id === body.data.executable);
      const wsPerms = task ? workspacePermissions(req.principal, req.store, task.workspaceId) : [];
      if (!task || wsPerms.length === 0) return error(404, "Task not found");
      // The support article: (TMC_ENGINE_USE or TMC_OPERATOR) + "Tasks and Plans - Edit" + EXECUTE, as of the token's mint.
      const perms = accountPermissions(req.principal);
      const engine = perms.includes("TMC_ENGINE_USE") || perms.includes("TMC_OPERATOR");
      if (!engine || !perms.includes(req.store.tasksAndPlansEdit) || !wsPerms.includes("EXECUTE")) return forbidden();
      if (task.paused) return error(405, "Current Task is paused, it can't be executed");
      const e: Execution = {
        executionId: randomUUID(), taskId: task.id, workspaceId: task.workspaceId, userId: principalId(req.principal) as string,
        userType: req.principal.kind === "service-account" ? "SERVICE" : "HUMAN", triggeredAt: req.store.clock.now(), timeoutMinutes: body.data.timeout,
        parameters: body.data.parameters ?? {}, logLevel: body.data.logLevel, run: { ...task.run }, taskVersion: task.version,
      };
      req.store.executions.push(e);
      return ok({ executionId: e.executionId }, 201);
    },
  },
  {
    method: "GET",
    pattern: "/processing/executions/:executionId",
    handle(req) {
      const e = find(req, req.params.executionId as string);
      return e ? ok(view(req, e)) : error(404, "Execution not found");
    },
  },
  {
    method: "DELETE",
    pattern: "/processing/executions/:executionId",
    handle(req) {
      const e = find(req, req.params.executionId as string);
      if (!e) return error(404, "Execution not found");
      const status = req.store.statusOf(e).status;
      if (status !== "dispatching" && status !== "executing") return error(400, `Execution is already finished (${status})`);
      e.cancelledAt = req.store.clock.now();
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/processing/executables/tasks/:taskId/executions",
    handle(req) {
      const task = req.store.tasks.find((t) => t.id === req.params.taskId);
      if (!task || workspacePermissions(req.principal, req.store, task.workspaceId).length === 0) return error(404, "Task not found");
      const limit = Number(req.query.get("limit") ?? 100);
      const offset = Number(req.query.get("offset") ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100 || offset < 0) return error(400, "limit must be 1..100 and offset >= 0");
      const now = req.store.clock.now();
      const from = Number(req.query.get("from") ?? now - Number(req.query.get("lastDays") ?? 60) * 86_400_000);
      const to = Number(req.query.get("to") ?? now);
      const status = req.query.get("status");
      const items = req.store.executions
        .filter((e) => e.taskId === task.id && e.triggeredAt >= from && e.triggeredAt <= to)
        .map((e) => view(req, e))
        .filter((v) => !status || v.status === status)
        .sort((a, b) => Date.parse(b.triggerTimestamp as string) - Date.parse(a.triggerTimestamp as string));
      const page = items.slice(offset, offset + limit).map((v) => ({
        executionId: v.executionId, taskId: v.jobId, taskVersion: v.jobVersion, executionType: v.executionType, apiVersion: v.apiVersion, status: v.status,
        executionStatus: v.executionStatus, runtime: { type: "CLOUD" }, errorMessage: v.errorMessage, startTimestamp: v.startTimestamp, triggerTimestamp: v.triggerTimestamp,
        finishTimestamp: v.finishTimestamp, userId: v.userId, userType: v.userType, parallelExecutionAllowed: false,
      }));
      return ok({ items: page, limit, offset, total: items.length });
    },
  },
  {
    method: "GET",
    pattern: "/monitoring/executions/:id/logs",
    handle(req) {
      const e = req.store.executions.find((x) => x.executionId === req.params.id);
      if (!e || !workspacePermissions(req.principal, req.store, e.workspaceId).includes("VIEW")) return error(404, "Execution not found");
      const count = Number(req.query.get("count") ?? 50);
      const start = Number(req.query.get("startIndex") ?? 0);
      if (!Number.isInteger(count) || count < 1 || count > 200 || !Number.isInteger(start) || start < 0) return error(400, "count must be 1..200 and startIndex >= 0");
      const all = req.store.logsOf(e);
      const ordered = (req.query.get("order") ?? "DESC") === "ASC" ? all : [...all].reverse();
      const data = ordered.slice(start, start + count).map((l) => ({ severity: l.severity, logType: "USER", logTimestamp: Math.round(l.at), logMessage: l.message, bundleName: "task", bundleVersion: e.taskVersion, podName: "emulator" }));
      const next = start + data.length;
      return ok({ size: data.length, totalSize: all.length, totalSizeFiltered: all.length, data, nextIndex: next < all.length ? next : null });
    },
  },
];
