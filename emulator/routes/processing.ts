import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Request, type Response, type Route, error, intParam, mayRunTasksIn, noContent, ok, parseBody, principalId, workspacePermissions } from "../http";
import type { Execution } from "../state";

/** PROC-SPEC `Executabletask`. */
export const Executabletask = z.object({
  executable: z.string().min(1),
  parameters: z.record(z.string(), z.string()).optional(),
  logLevel: z.enum(["OFF", "ERROR", "WARN", "INFO"]).optional(),
  timeout: z.number().int().min(1).optional(),
});

const STATUSES = ["dispatching", "deploy_failed", "executing", "execution_successful", "execution_rejected", "execution_failed", "terminated", "terminated_timeout", "terminated_shutdown"];
const DAY = 86_400_000;

/** The support article's body, key for key: nothing but "Forbidden" (no hint which permission is missing). */
const forbidden = (): Response => ({ status: 403, body: { status: 403, requestId: randomUUID(), message: "Forbidden" } });

/** PROC-SPEC `JobExecutionStatusV21`. */
export function executionView(req: Request, e: Execution) {
  const s = req.store.statusOf(e);
  const iso = (ms?: number) => (ms === undefined ? undefined : req.store.clock.iso(ms));
  return {
    executionId: e.executionId, accountId: req.store.tenantId, workspaceId: e.workspaceId, jobId: e.taskId, jobVersion: e.taskVersion,
    userId: e.userId, userType: e.userType, executionType: "MANUAL", apiVersion: "2021-03", environmentVersion: "1.3", executionDestination: "CLOUD",
    status: s.status, executionStatus: s.executionStatus,
    triggerTimestamp: iso(e.triggeredAt), startTimestamp: iso(s.startedAt), finishTimestamp: iso(s.finishedAt),
    ...(s.errorMessage !== undefined && { errorType: s.status === "terminated_timeout" ? "TIMEOUT" : "EXECUTION_ERROR", errorMessage: s.errorMessage }),
    ...(e.timeoutMinutes !== undefined && { timeout: e.timeoutMinutes }),
  };
}

/** An execution the caller may see: one it started, or one in a workspace where it holds VIEW or EXECUTE. */
export function visibleExecution(req: Request, id: string): Execution | undefined {
  const e = req.store.executions.find((x) => x.executionId === id);
  if (!e) return undefined;
  const perms = workspacePermissions(req.principal, e.workspaceId);
  return e.userId === principalId(req.principal) || perms.includes("VIEW") || perms.includes("EXECUTE") ? e : undefined;
}

const notFound = () => error(404, "Not found - resource not found", "Execution not found");

/** Task executions (PROC-SPEC). */
export const processingRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/processing/executions",
    handle(req) {
      const body = parseBody(Executabletask, req);
      if ("error" in body) return body.error;
      const task = req.store.tasks.find((t) => t.id === body.data.executable);
      if (!task) return error(404, "Not found - resource not found", `Task ${body.data.executable} not found`);
      // For a service account this reads the token's snapshot, so a grant made after minting does not help.
      if (!mayRunTasksIn(req, task.workspaceId)) return forbidden();
      if (task.paused) return error(405, "Current Task is paused, it can't be executed");
      const e: Execution = {
        executionId: randomUUID(), taskId: task.id, taskVersion: task.version, workspaceId: task.workspaceId, userId: principalId(req.principal)!,
        userType: req.principal.kind === "service-account" ? "SERVICE" : "HUMAN", triggeredAt: req.store.clock.now(), timeoutMinutes: body.data.timeout,
        parameters: { ...task.parameters, ...body.data.parameters }, logLevel: body.data.logLevel, run: structuredClone(task.run),
      };
      req.store.executions.push(e);
      return ok({ executionId: e.executionId }, 201);
    },
  },
  {
    method: "GET",
    pattern: "/processing/executions/:executionId",
    handle(req) {
      const e = visibleExecution(req, req.params.executionId!);
      return e ? ok(executionView(req, e)) : notFound();
    },
  },
  {
    method: "DELETE",
    pattern: "/processing/executions/:executionId",
    handle(req) {
      const e = visibleExecution(req, req.params.executionId!);
      if (!e) return notFound();
      const { status } = req.store.statusOf(e);
      // The spec documents only 204/400/404 here: a finished execution cannot be stopped, so 400.
      if (status !== "dispatching" && status !== "executing") return error(400, "Bad Request", `Execution ${e.executionId} is already finished (${status})`);
      e.cancelledAt = req.store.clock.now();
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/processing/executables/tasks/:taskId/executions",
    handle(req) {
      const task = req.store.tasks.find((t) => t.id === req.params.taskId);
      if (!task || (req.principal.kind !== "pat" && workspacePermissions(req.principal, task.workspaceId).length === 0)) return error(404, "Not Found", `Task ${req.params.taskId} not found`);
      const now = req.store.clock.now();
      const limit = intParam(req.query, "limit", 100, 1, 100);
      const offset = intParam(req.query, "offset", 0, 0);
      const lastDays = intParam(req.query, "lastDays", 60, 1, 60);
      const from = intParam(req.query, "from", -1, 0);
      const to = intParam(req.query, "to", -1, 0);
      const status = req.query.get("status") || undefined;
      if ([limit, offset, lastDays, from, to].includes(undefined) || (status && !STATUSES.includes(status))) {
        return error(400, "Bad Request", "limit must be in [1, 100], offset >= 0, lastDays in [1, 60], from/to epoch milliseconds, status one of " + STATUSES.join(", "));
      }
      const windowFrom = from! >= 0 ? from! : now - lastDays! * DAY;
      const windowTo = to! >= 0 ? to! : now;
      // PROC-SPEC: an execution is included when its run overlaps [from, to] at all.
      const items = req.store.executions
        .filter((e) => e.taskId === task.id)
        .map((e) => ({ e, s: req.store.statusOf(e) }))
        .filter(({ e, s }) => e.triggeredAt <= windowTo && (s.finishedAt ?? now) >= windowFrom && (!status || s.status === status))
        .sort((a, b) => b.e.triggeredAt - a.e.triggeredAt)
        .map(({ e }) => executionView(req, e));
      // PROC-SPEC `TaskExecutionStatus`.
      const page = items.slice(offset, offset! + limit!).map((v) => ({
        executionId: v.executionId, taskId: v.jobId, taskVersion: v.jobVersion, executionType: v.executionType, apiVersion: v.apiVersion,
        parallelExecutionAllowed: false, status: v.status, executionStatus: v.executionStatus, runtime: { type: "CLOUD" },
        ...(v.errorMessage !== undefined && { errorMessage: v.errorMessage }), ...(v.timeout !== undefined && { timeout: v.timeout }),
        triggerTimestamp: v.triggerTimestamp, startTimestamp: v.startTimestamp, finishTimestamp: v.finishTimestamp, userId: v.userId, userType: v.userType,
      }));
      return ok({ items: page, limit, offset, total: items.length });
    },
  },
];
