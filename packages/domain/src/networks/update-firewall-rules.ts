import { eq, sql } from "drizzle-orm";
import { DomainError, WORKFLOW_NAMES, type NetworkId, type TenantId } from "@platforma/contracts";
import { networks, withTenant, type AppDb, type FirewallRule } from "@platforma/db";
import type { OrderDeps } from "../clusters/create-cluster.ts";
import { placeOrder } from "../orders/place-order.ts";
import { startCommittedOrder } from "../orders/start-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import { toNetworkDto, type NetworkDto } from "./network-dto.ts";

/**
 * Replaces a network's firewall rules: the new set becomes the desired version at once (so reads
 * show it), and an order's workflow has the provider enforce it.
 */
export async function updateFirewallRules(
  deps: OrderDeps,
  tenantId: TenantId,
  input: { networkId: NetworkId; rules: FirewallRule[]; idempotencyKey?: string | undefined },
): Promise<{ network: NetworkDto; order: OrderDto }> {
  const { order, resource: network } = await placeOrder(deps, tenantId, {
    kind: "network.firewall",
    idempotencyKey: input.idempotencyKey,
    request: { networkId: input.networkId, rules: input.rules.length },
    reserve: {},
    async write(tx, _orderId, announce) {
      const [current] = await tx
        .select()
        .from(networks)
        .where(eq(networks.id, input.networkId))
        .for("update");
      if (!current || current.state === "deleted")
        throw new DomainError("not_found", `network ${input.networkId} not found`);
      if (current.state !== "ready") {
        throw new DomainError("conflict", `network ${input.networkId} is ${current.state}`, {
          state: current.state,
        });
      }
      const [row] = await tx
        .update(networks)
        .set({
          firewallRules: input.rules,
          rulesVersion: sql`${networks.rulesVersion} + 1`,
          updatedAt: new Date(),
        })
        .where(eq(networks.id, input.networkId))
        .returning();
      if (!row) throw new Error("network update returned no row");
      announce({
        type: "network.rules_updated.v1",
        data: {
          networkId: row.id,
          version: row.rulesVersion,
          rules: input.rules.length,
        },
      });
      return row;
    },
    workflow: (orderId, row) => ({
      name: WORKFLOW_NAMES.applyFirewallRules,
      input: {
        tenantId,
        orderId,
        networkId: row.id,
        clusterId: row.clusterId,
        region: row.region,
        version: row.rulesVersion,
      },
    }),
    async find(tx) {
      const [row] = await tx.select().from(networks).where(eq(networks.id, input.networkId));
      return row ?? null;
    },
  });
  await startCommittedOrder(deps, order);
  return { network: toNetworkDto(network), order: toOrderDto(order) };
}

/** The rules the provider should enforce now: always the latest desired version. */
export async function desiredFirewallRules(db: AppDb, tenantId: TenantId, networkId: NetworkId) {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx.select().from(networks).where(eq(networks.id, networkId)),
  );
  if (!row || row.state === "deleted") throw new DomainError("not_found", `network ${networkId} not found`);
  return { vlanId: row.vlanId, version: row.rulesVersion, rules: row.firewallRules };
}
