import { type Route, error, intParam, ok } from "../http";
import { visibleExecution } from "./processing";

/** A date-time query parameter as epoch ms; null when absent, undefined when unreadable. */
function timeParam(query: URLSearchParams, name: string): number | null | undefined {
  const raw = query.get(name);
  if (!raw) return null;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Execution logs (LOGS-SPEC), emitted progressively as the emulator's clock runs. */
export const monitoringRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/monitoring/executions/:id/logs",
    handle(req) {
      const e = visibleExecution(req, req.params.id!);
      if (!e) return error(404, "Not found - resource not found", "Execution not found");
      const count = intParam(req.query, "count", 50, 1, 200);
      const start = intParam(req.query, "startIndex", 0, 0);
      const order = (req.query.get("order") || "DESC").toUpperCase();
      const [startTime, endTime] = [timeParam(req.query, "startTime"), timeParam(req.query, "endTime")];
      if (count === undefined || start === undefined || (order !== "ASC" && order !== "DESC") || startTime === undefined || endTime === undefined) {
        return error(400, "Bad Request", "count must be in [1, 200], startIndex >= 0, order ASC or DESC, startTime/endTime ISO date-times");
      }
      const all = req.store.logsOf(e);
      const inRange = all.filter((l) => (startTime === null || l.at >= startTime) && (endTime === null || l.at <= endTime));
      const ordered = order === "ASC" ? inRange : [...inRange].reverse();
      const data = ordered.slice(start, start + count).map((l) => ({
        severity: l.severity, logType: "USER", logTimestamp: l.at, logMessage: l.message, bundleName: "task", bundleVersion: e.taskVersion, podName: "emulator-0",
      }));
      const next = start + data.length;
      // nextIndex only "if it exists" (LOGS-SPEC): absent on the last page.
      return ok({ size: data.length, totalSize: all.length, totalSizeFiltered: inRange.length, data, ...(next < inRange.length && { nextIndex: next }) });
    },
  },
];
