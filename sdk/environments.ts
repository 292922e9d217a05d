import { z } from "zod";
import type { TalendClient } from "./client";
import { exactlyOne } from "./find-by-name";

export const EnvironmentSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  default: z.boolean().optional(),
  maxCloudContainers: z.number().optional(),
});
export type Environment = z.infer<typeof EnvironmentSchema>;

export class EnvironmentsApi {
  constructor(private readonly client: TalendClient) {}

  /** All environments (not paged). `query` is raw FIQL for callers who build it themselves. */
  async list(query?: string): Promise<Environment[]> {
    return this.client.request({ method: "GET", path: "/orchestration/environments", query: { query } }, z.array(EnvironmentSchema));
  }

  /** Names are matched exactly, client-side, so no user text ever reaches a FIQL query. */
  async getByName(name: string): Promise<Environment> {
    const all = await this.list();
    return exactlyOne(all.filter((e) => e.name === name), `environment named "${name}"`, () => all.map((e) => e.name), name);
  }
}
