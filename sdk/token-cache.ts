import { forgetSecret } from "./redact";

export interface AccessToken {
  accessToken: string;
  /** Epoch ms at which the API stops accepting it. */
  expiresAt: number;
  /** Epoch ms at which it was minted: the moment its permission snapshot was taken. */
  mintedAt: number;
}

/**
 * Service-account tokens, cached per account. A Talend token snapshots the account's permissions when it is
 * minted, so a token minted before a permission change is stale even though it has not expired: callers mark
 * the change (`markPermissionsChanged`) and the next use mints a fresh token. Expired tokens are dropped,
 * so credentials do not outlive their use in memory.
 */
export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly minting = new Map<string, Promise<AccessToken>>();
  private readonly permissionsChangedAt = new Map<string, number>();

  constructor(
    private readonly renewBeforeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A usable token for the account, minting one (once, even under concurrency) when needed. */
  async get(account: string, mint: () => Promise<AccessToken>): Promise<AccessToken> {
    this.sweep();
    const cached = this.tokens.get(account);
    if (cached && this.isUsable(account, cached)) return cached;
    let pending = this.minting.get(account);
    if (!pending) {
      pending = mint().then(
        (token) => {
          this.minting.delete(account);
          this.tokens.set(account, token);
          return token;
        },
        (error) => {
          this.minting.delete(account);
          throw error;
        },
      );
      this.minting.set(account, pending);
    }
    return pending;
  }

  /** The account's permissions changed: tokens minted before now no longer reflect them. */
  markPermissionsChanged(account: string, at = this.now()): void {
    this.permissionsChangedAt.set(account, at);
    this.invalidate(account);
  }

  /** True when the token predates the last known permission change of its account. */
  isStale(account: string, token: AccessToken): boolean {
    return token.mintedAt <= (this.permissionsChangedAt.get(account) ?? -Infinity);
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
