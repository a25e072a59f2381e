import { and, eq, ne, sql } from "drizzle-orm";
import { newId, type ClusterId, type NetworkId, type OrderId, type TenantId } from "@platforma/contracts";
import { networks, withTenant, type AppDb, type FirewallRule } from "@platforma/db";
import { appendEvent } from "@platforma/events";

/**
 * The network row of a dedicated cluster, written once its VLAN exists. A retried activity finds
 * the row it wrote before (one live network per cluster).
 */
export async function recordDedicatedNetwork(
  db: AppDb,
  input: { tenantId: TenantId; orderId: OrderId; clusterId: ClusterId; region: string },
  network: { vlanId: number; cidr: string; firewallRules: FirewallRule[] },
): Promise<{ networkId: NetworkId; version: number }> {
  return withTenant(db, input.tenantId, async (tx) => {
    // Serialises retries of this step for the cluster, so two attempts cannot both insert.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`network:${input.clusterId}`}))`);
    const [existing] = await tx
      .select({ id: networks.id, version: networks.rulesVersion })
      .from(networks)
      .where(and(eq(networks.clusterId, input.clusterId), ne(networks.state, "deleted")));
    if (existing) return { networkId: existing.id, version: existing.version };
    const networkId = newId("network");
    await tx.insert(networks).values({
      id: networkId,
      tenantId: input.tenantId,
      clusterId: input.clusterId,
      region: input.region,
      ...network,
    });
    await appendEvent(tx, input.tenantId, "network.created.v1", {
      networkId,
      clusterId: input.clusterId,
      vlanId: network.vlanId,
      cidr: network.cidr,
    });
    return { networkId, version: 1 };
  });
}

/** The provider enforces `version` now; an older version arriving late never goes backwards. */
export async function markRulesApplied(db: AppDb, tenantId: TenantId, networkId: NetworkId, version: number) {
  await withTenant(db, tenantId, async (tx) => {
    const updated = await tx
      .update(networks)
      .set({ appliedVersion: version, updatedAt: new Date() })
      .where(and(eq(networks.id, networkId), sql`${networks.appliedVersion} < ${version}`))
      .returning({ id: networks.id });
    if (updated.length > 0)
      await appendEvent(tx, tenantId, "network.rules_applied.v1", { networkId, version });
  });
}
