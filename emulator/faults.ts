import { z } from "zod";

/**
 * Fault injection by method and path.
 * - status: answer `status` (default 503) with the family's error body, and `Retry-After` if `retryAfter` is set.
 * - reset: destroy the connection before the handler runs. - hang: never answer (until close()).
 * - latency: wait `latencyMs`, then answer normally. - body: answer `body` raw (an HTML page, truncated JSON...).
 * - after-commit: the handler runs and its effect stays, then the client gets a 502/503/504 (`status`, default
 *   502), a connection reset (status 0), or `body` raw: the case where a client cannot know whether its write happened.
 * - held-answer: the handler runs and its effect stays; the real answer leaves `latencyMs` later (default 100), or
 *   never if the client goes away first: a write whose answer is still on its way when the client dies.
 */
export const FaultRuleSchema = z.object({
  method: z.string().optional(),
  /** Exact path, a prefix ending in '*', or a RegExp tested against the path. */
  path: z.union([z.string().min(1), z.instanceof(RegExp)]),
  kind: z.enum(["status", "reset", "latency", "after-commit", "hang", "body", "held-answer"]),
  status: z.number().int().min(0).max(599).optional(),
  retryAfter: z.string().optional(),
  latencyMs: z.number().min(0).optional(),
  body: z.string().optional(),
  contentType: z.string().optional(),
  /** How many requests it applies to; unlimited by default. */
  times: z.number().int().min(1).optional(),
  /** 0..1, drawn from the emulator's seeded generator. */
  probability: z.number().min(0).max(1).optional(),
});
export type FaultRule = z.input<typeof FaultRuleSchema>;

/** The JSON form for POST /_emulator/faults: `path` as a string, or `regex` as a RegExp source. */
export const FaultRuleJsonSchema = FaultRuleSchema.extend({ path: z.string().min(1).optional(), regex: z.string().optional() })
  .refine((r) => (r.path === undefined) !== (r.regex === undefined), "give exactly one of path and regex")
  .transform(({ regex, path, ...rest }): FaultRule => ({ ...rest, path: regex !== undefined ? new RegExp(regex) : path! }));

export class Faults {
  private rules: { rule: FaultRule; left: number }[] = [];
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }

  add(rule: FaultRule): void {
    const parsed = FaultRuleSchema.parse(rule);
    this.rules.push({ rule: parsed, left: parsed.times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that applies to this request, if any (it consumes one of its `times`). */
  match(method: string, path: string): FaultRule | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.left <= 0 || (rule.method && rule.method.toUpperCase() !== method)) continue;
      const p = rule.path;
      const hit = p instanceof RegExp ? p.test(path) : p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : p === path;
      if (!hit || (rule.probability !== undefined && this.random() >= rule.probability)) continue;
      entry.left--;
      return rule;
    }
    return undefined;
  }

  /** mulberry32: the same seed gives the same sequence of probabilistic faults. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
