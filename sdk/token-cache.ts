import { type Clock, systemClock } from "./clock";
import { forgetSecret } from "./redact";

export interface AccessToken {
  accessToken: string;
  /** Epoch ms at which the API stops accepting it. */
  expiresAt: number;
  /** Epoch ms at which it was minted. */
  mintedAt: number;
}

/**
 * Service-account tokens, cached per account. A Talend token snapshots the account's permissions when it is
 * minted, so a token minted before a permission change is stale even though it has not expired: callers mark
 * the change (`markPermissionsChanged`) and the next use mints a fresh token. Expired tokens are dropped,
 * so credentials do not outlive their use in memory.
 *
 * "Before" is the order of events in this process, not the wall clock: a mark and the mint that follows it
 * often fall within one millisecond, and a clock cannot tell which came first. A token whose mint was requested
 * after the mark was sent after the change was acknowledged, so it reflects the change; one requested before
 * it (even if it arrives later) may not.
 */
export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly minting = new Map<string, { seq: number; token: Promise<AccessToken> }>();
  /** The sequence number of each account's last permission change. */
  private readonly changedSeq = new Map<string, number>();
  /** The sequence number at which each token's mint was requested. */
  private readonly requestedSeq = new WeakMap<AccessToken, number>();
  private seq = 0;

  constructor(
    private readonly renewBeforeMs = 60_000,
    /** The clock the tokens' `mintedAt` and `expiresAt` were read from. */
    private readonly now: () => number = systemClock.now,
  ) {}

  /**
   * A usable token for the account, minting one (once, even under concurrency) when needed. A mint still in
   * flight is shared, unless it was requested before the account's last permission change.
   */
  async get(account: string, mint: () => Promise<AccessToken>): Promise<AccessToken> {
    this.sweep();
    const cached = this.tokens.get(account);
    if (cached && this.isUsable(account, cached)) return cached;
    const pending = this.minting.get(account);
    if (pending && pending.seq > (this.changedSeq.get(account) ?? 0)) return pending.token;
    const seq = ++this.seq;
    const token = mint().then(
      (minted) => {
        this.requestedSeq.set(minted, seq);
        if (this.minting.get(account)?.token === token) this.minting.delete(account);
        // Cached only while it reflects every known change, and never over a newer token from a quicker mint.
        const current = this.tokens.get(account);
        if (!this.isStale(account, minted) && (!current || (this.requestedSeq.get(current) ?? 0) < seq)) this.tokens.set(account, minted);
        return minted;
      },
      (error) => {
        if (this.minting.get(account)?.token === token) this.minting.delete(account);
        throw error;
      },
    );
    this.minting.set(account, { seq, token });
    return token;
  }

  /** The account's permissions changed: tokens whose mint was requested before now no longer reflect them. */
  markPermissionsChanged(account: string): void {
    this.changedSeq.set(account, ++this.seq);
    this.invalidate(account);
  }

  /** True when the token's mint was requested before the last known permission change of its account (or is unknown to this cache). */
  isStale(account: string, token: AccessToken): boolean {
    const changed = this.changedSeq.get(account);
    return changed !== undefined && (this.requestedSeq.get(token) ?? 0) < changed;
  }

  invalidate(account: string): void {
    forgetSecret(this.tokens.get(account)?.accessToken);
    this.tokens.delete(account);
  }

  /** Number of live (unexpired) tokens held. */
  get size(): number {
    this.sweep();
    return this.tokens.size;
  }

  private isUsable(account: string, token: AccessToken): boolean {
    return token.expiresAt - this.renewBeforeMs > this.now() && !this.isStale(account, token);
  }

  private sweep(): void {
    const t = this.now();
    for (const [account, token] of this.tokens) if (token.expiresAt <= t) this.invalidate(account);
  }
}

/** One cache per process, shared by every client, so all resources of one `pulumi up` reuse tokens. */
export const sharedTokenCache = new TokenCache();

const sharedByClock = new WeakMap<Clock, TokenCache>([[systemClock, sharedTokenCache]]);

/**
 * The process-wide cache of the clients on `clock` (`sharedTokenCache` for the system clock): a token's expiry
 * is a time on the clock of the client that minted it, so only clients on that clock may share it.
 */
export function sharedTokenCacheFor(clock: Clock): TokenCache {
  let cache = sharedByClock.get(clock);
  if (!cache) sharedByClock.set(clock, (cache = new TokenCache(60_000, () => clock.now())));
  return cache;
}
