import { type Clock, type PermissionCatalog, type ServiceAccountRecord, TalendClient, buildCatalog, systemClock } from "../sdk";
import { ExpiringCache } from "./expiring-cache";
import type { Settings } from "./settings";

/** How long the permission catalogue is reused: it changes only with Talend releases. */
const CATALOG_TTL_MS = 60_000;

/**
 * How long one listing of the tenant's accounts serves the intents deleted by one command (a destroy deletes one per
 * account): it only names candidates, each read afresh before anything is decided, so one listing keeps that linear.
 */
const ACCOUNT_LISTING_TTL_MS = 10 * 60_000;

/**
 * One client, one clock and one catalogue per process and settings: every resource of an update shares them.
 * The clock reaches everything that waits or expires, the SDK included (tests pass a fake one).
 */
export class Context {
  readonly client: TalendClient;
  private readonly catalog: ExpiringCache;
  private readonly listings: ExpiringCache;

  constructor(
    readonly settings: Settings,
    readonly clock: Clock = systemClock,
  ) {
    // Intents need Talend's time before anything else is sent, and the accounts' checks need the catalogue:
    // reading the catalogue as the clock probe makes both one request.
    this.client = new TalendClient({ endpoint: settings.baseUrl, credentials: { token: settings.token }, clock, clockProbe: () => this.permissionCatalog() });
    this.catalog = new ExpiringCache(clock, { successMs: CATALOG_TTL_MS });
    this.listings = new ExpiringCache(clock, { successMs: ACCOUNT_LISTING_TTL_MS });
  }

  /** The tenant's accounts as listed once for a while (candidates only: read one afresh before acting on it). */
  accountListing(): Promise<ServiceAccountRecord[]> {
    return this.listings.get("accounts", () => this.client.serviceAccounts.list());
  }

  /** The tenant's permission catalogue, cached for a minute; a failed read is asked again by the next call. */
  permissionCatalog(): Promise<PermissionCatalog> {
    return this.catalog.get("catalog", () => this.client.serviceAccounts.permissionCatalog().then((ids) => buildCatalog(ids, this.settings.tasksAndPlansEditPermission)));
  }
}
