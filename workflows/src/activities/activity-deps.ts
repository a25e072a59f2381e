import type { AppDb, SystemDb } from "@platforma/db";
import type { ProviderDriver } from "@platforma/providers";
import type { TenantObjectStore } from "@platforma/storage";

/** Everything activities may need; each factory takes only what it uses (`Pick<ActivityDeps, …>`). */
export interface ActivityDeps {
  db: AppDb;
  /** Cross-tenant reads (tenant state, regions, the reconciler's list) and lifecycle work. */
  systemDb: SystemDb;
  provider: ProviderDriver;
  /** Tenant objects: the archive writes here, the purge deletes the tenant's prefix. */
  store: TenantObjectStore;
  /** Platform default retention for tenant deletion, in days. */
  defaultRetentionDays: number;
  /** How long one attempt waits for the relay to publish a tenant's events before the purge. */
  outboxWaitMs?: number;
  /** How long one attempt of the lifecycle's drain waits for the tenant's orders to end. */
  drainWaitMs?: number;
}
