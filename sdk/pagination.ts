import { z } from "zod";

/** Talend's `{items, limit, offset, total}` page, for an item schema. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), limit: z.number().optional(), offset: z.number().optional(), total: z.number().optional() });
}

/** Reads every page (limit ≤ 100) until a short page or `total` is reached; `max` bounds runaway listings. */
export async function collectPages<T>(
  fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; total?: number }>,
  opts: { limit?: number; max?: number } = {},
): Promise<T[]> {
  const limit = opts.limit ?? 100;
  const max = opts.max ?? 10_000;
  const all: T[] = [];
  for (let offset = 0; all.length < max; offset += limit) {
    const page = await fetchPage(offset, limit);
    all.push(...page.items);
    if (page.items.length < limit || (page.total !== undefined && offset + page.items.length >= page.total)) break;
  }
  return all;
}
