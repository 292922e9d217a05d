import { z } from "zod";
import type { TalendClient } from "./client";
import { exactlyOne } from "./find-by-name";
import { collectPages, pageOf } from "./pagination";
import { path } from "./paths";

const WorkspaceRefSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  environment: z.object({ id: z.string(), name: z.string().optional() }).optional(),
});

/** A task as listed by GET /orchestration/executables/tasks (`executable` is the task id). */
export const TaskExtractSchema = z.object({
  executable: z.string().min(1),
  name: z.string(),
  workspace: WorkspaceRefSchema.optional(),
  artifactId: z.string().optional(),
});
export type TaskExtract = z.infer<typeof TaskExtractSchema>;

export const TaskSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  workspace: WorkspaceRefSchema.optional(),
  artifact: z.object({ id: z.string(), name: z.string().optional(), version: z.string() }),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type Task = z.infer<typeof TaskSchema>;

export class TasksApi {
  constructor(private readonly client: TalendClient) {}

  async get(taskId: string): Promise<Task> {
    return this.client.request({ method: "GET", path: path`/orchestration/executables/tasks/${taskId}` }, TaskSchema);
  }

  /** Every task matching the filter, across pages. */
  async list(filter: { environmentId?: string; workspaceId?: string; name?: string } = {}): Promise<TaskExtract[]> {
    return collectPages((offset, limit) =>
      this.client.request({ method: "GET", path: "/orchestration/executables/tasks", query: { ...filter, offset, limit } }, pageOf(TaskExtractSchema)),
    );
  }

  /**
   * The task with exactly this name in a workspace (filtered server-side; the full list only to explain a miss).
   * Give the workspace as the object a workspace lookup returned, so that a miss names it by name.
   */
  async findByName(name: string, workspace: string | { id: string; name?: string; environment?: { name?: string } }): Promise<TaskExtract> {
    const ws = typeof workspace === "string" ? { id: workspace } : workspace;
    const matches = (await this.list({ workspaceId: ws.id, name })).filter((t) => t.name === name);
    const others = matches.length ? [] : await this.list({ workspaceId: ws.id });
    const where = ws.name ? `workspace "${ws.name}"${ws.environment?.name ? ` of environment "${ws.environment.name}"` : ""} [${ws.id}]` : `workspace [${ws.id}]`;
    return exactlyOne(matches, `task named "${name}" in ${where}`, () => others.map((t) => t.name), name);
  }
}
