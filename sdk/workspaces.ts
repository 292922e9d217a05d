import { z } from "zod";
import type { TalendClient } from "./client";
import { type Environment, EnvironmentSchema } from "./environments";
import { exactlyOne } from "./find-by-name";
import { fiqlId } from "./paths";

export const WorkspaceSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  owner: z.string().optional(),
  type: z.string().optional(),
  environment: EnvironmentSchema.partial({ name: true }).optional(),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export class WorkspacesApi {
  constructor(private readonly client: TalendClient) {}

  /** Workspaces, optionally of one environment (by id, in FIQL) or filtered by a raw FIQL `query`. */
  async list(filter: { environmentId?: string; query?: string } = {}): Promise<Workspace[]> {
    const query = filter.query ?? (filter.environmentId ? `environment.id==${fiqlId(filter.environmentId)}` : undefined);
    return this.client.request({ method: "GET", path: "/orchestration/workspaces", query: { query } }, z.array(WorkspaceSchema));
  }

  /** A workspace by exact name within an environment (by name or object). */
  async getByName(name: string, environment: string | Environment): Promise<Workspace & { environment: Environment }> {
    const env = typeof environment === "string" ? await this.client.environments.getByName(environment) : environment;
    const all = await this.list({ environmentId: env.id });
    const ws = exactlyOne(all.filter((w) => w.name === name), `workspace named "${name}" in environment "${env.name}"`, () => all.map((w) => w.name), name);
    return { ...ws, environment: env };
  }
}
