/**
 * Fault injection by method and path. 'after-commit' lets the handler act and keep its effect, then fails the
 * response (a 5xx, a reset with status 0, or `body` as the raw answer) — the case where a client cannot know
 * whether its POST happened.
 */
export type FaultRule = {
  method?: string;
  /** Exact path, a prefix ending in '*', or a RegExp. */
  path: string | RegExp;
  kind: "status" | "reset" | "latency" | "after-commit" | "hang" | "body";
  status?: number;
  retryAfter?: string;
  latencyMs?: number;
  body?: string;
  contentType?: string;
  /** How many requests it applies to; unlimited by default. */
  times?: number;
  /** 0..1, drawn from the emulator's seeded generator. */
  probability?: number;
};

export class Faults {
  private rules: { rule: FaultRule; left: number }[] = [];
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, left: rule.times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this request, if any (consumes one of its `times`). */
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

  /** mulberry32: reproducible fault sequences for a given seed. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
