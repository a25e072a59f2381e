import type { ResourceKind, TenantId } from "@platforma/contracts";
import { withTenant, type AppDb } from "@platforma/db";
import { releaseQuota } from "../quotas/admit-quota.ts";
import { RESOURCE_ADAPTERS } from "./resource-adapters.ts";

/**
 * Marks a resource deleted and gives back what it held, outside any order of its own: used when
 * its cluster is deprovisioned (after the provider released it). Idempotent.
 */
export async function retireResource(db: AppDb, tenantId: TenantId, kind: ResourceKind, resourceId: string) {
  const adapter = RESOURCE_ADAPTERS[kind];
  await withTenant(db, tenantId, async (tx) => {
    const resource = await adapter.lock(tx, resourceId);
    if (!resource || resource.state === "deleted") return;
    // Failed resources gave their quota back when they failed.
    if (resource.state !== "failed") await releaseQuota(tx, tenantId, resource.quota);
    await adapter.setState(tx, resource.id, "deleted");
    await adapter.announce(tx, tenantId, resource, "deleted");
  });
}
