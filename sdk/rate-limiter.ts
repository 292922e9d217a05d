import { systemClock } from "./clock";

/**
 * Talend limits requests per source IP and minute, per API family (Monitoring 600, Orchestration 1800,
 * Processing 1800, Workspace permissions 600; others unstated). A token bucket per family, as large as one
 * minute's quota, lets bursts through and keeps sustained bulk work under the limit instead of provoking 429s.
 */
export type ApiFamily = "account" | "security" | "oauth" | "orchestration" | "processing" | "monitoring";

export const DOCUMENTED_LIMITS_PER_MINUTE: Record<ApiFamily, number> = {
  account: 600, // not documented; assume the strictest documented family
  security: 600,
  oauth: 600, // not documented; as above
  orchestration: 1800,
  processing: 1800,
  monitoring: 600,
};

export function familyOf(path: string): ApiFamily {
  if (path.startsWith("/security/oauth")) return "oauth";
  const first = path.split("/")[1] ?? "";
  return (["account", "security", "orchestration", "processing", "monitoring"] as const).find((f) => f === first) ?? "account";
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<ApiFamily, Bucket>();

  constructor(
    private readonly perMinute: Partial<Record<ApiFamily, number>>,
    private readonly now: () => number = systemClock.now,
    private readonly sleep: (ms: number) => Promise<void> = systemClock.sleep,
  ) {}

  /** Waits until a request of this family may be sent. */
  async take(family: ApiFamily): Promise<void> {
    const limit = this.perMinute[family];
    if (!limit) return;
    const ratePerMs = limit / 60_000;
    for (;;) {
      const t = this.now();
      const bucket = this.buckets.get(family) ?? { tokens: limit, updatedAt: t };
      bucket.tokens = Math.min(limit, bucket.tokens + (t - bucket.updatedAt) * ratePerMs);
      bucket.updatedAt = t;
      this.buckets.set(family, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil((1 - bucket.tokens) / ratePerMs));
    }
  }
}
