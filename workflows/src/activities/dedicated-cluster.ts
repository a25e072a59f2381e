import type { DedicatedClusterInput, OrderId, TenantId } from "@platforma/contracts";
import {
  assertOrderMayProceed,
  compensateClusterOrder,
  desiredFirewallRules,
  markRulesApplied,
  recordDedicatedNetwork,
} from "@platforma/domain";
import { dedicatedKeys } from "@platforma/providers";
import type { ActivityDeps } from "./activity-deps.ts";
import { dbStep, providerCall } from "./provider-call.ts";

export type ClusterRef = { tenantId: TenantId; clusterId: string; region: string };

export const dedicatedRequest = (input: ClusterRef, key: string) => ({
  tenantId: input.tenantId,
  clusterId: input.clusterId as DedicatedClusterInput["clusterId"],
  region: input.region,
  requestKey: key,
});

/**
 * Activities of the dedicated-cluster saga: each step that takes inventory first asks the order
 * gate (order open, tenant active, region still allowed), then does one idempotent provider step.
 * The undos (also used by a dedicated cluster's deletion) release by the same request keys.
 */
export function createDedicatedClusterActivities({
  db,
  systemDb,
  provider,
}: Pick<ActivityDeps, "db" | "systemDb" | "provider">) {
  const request = dedicatedRequest;
  const gate = (input: DedicatedClusterInput) => assertOrderMayProceed(db, systemDb, input);

  return {
    async allocateDedicatedNodes(input: DedicatedClusterInput): Promise<string[]> {
      return providerCall(async () => {
        await gate(input);
        const { nodeIds } = await provider.allocateNodes({
          ...request(input, dedicatedKeys(input.clusterId).nodes),
          count: input.nodes,
        });
        return nodeIds;
      });
    },
    async releaseDedicatedNodes(input: ClusterRef): Promise<void> {
      return providerCall(async () => {
        await provider.releaseNodes(request(input, dedicatedKeys(input.clusterId).nodes));
      });
    },

    /** VLAN, network row, and the initial firewall rules (version 1). */
    async createDedicatedNetwork(
      input: DedicatedClusterInput,
    ): Promise<{ networkId: string; vlanId: number }> {
      return providerCall(async () => {
        await gate(input);
        const keys = dedicatedKeys(input.clusterId);
        const { vlanId } = await provider.createVlan(request(input, keys.vlan));
        const { networkId, version } = await recordDedicatedNetwork(db, input, { vlanId, ...input.network });
        const desired = await desiredFirewallRules(db, input.tenantId, networkId);
        await provider.applyFirewallRules({
          ...request(input, keys.firewall),
          vlanId,
          version,
          rules: desired.rules,
        });
        await markRulesApplied(db, input.tenantId, networkId, version);
        return { networkId, vlanId };
      });
    },
    async deleteDedicatedNetwork(input: ClusterRef): Promise<void> {
      return providerCall(async () => {
        const keys = dedicatedKeys(input.clusterId);
        await provider.removeFirewallRules(request(input, keys.firewall));
        await provider.deleteVlan(request(input, keys.vlan));
      });
    },

    async createDedicatedStorage(input: DedicatedClusterInput): Promise<void> {
      await providerCall(async () => {
        await gate(input);
        const req = {
          ...request(input, dedicatedKeys(input.clusterId).storage),
          sizeTb: input.storage.sizeTb,
        };
        if (input.storage.backend === "ceph") await provider.createCephPool(req);
        else await provider.attachNvmeDrives(req);
      });
    },
    async deleteDedicatedStorage(
      input: ClusterRef & { storage: { backend: "ceph" | "nvme" } },
    ): Promise<void> {
      return providerCall(async () => {
        const req = request(input, dedicatedKeys(input.clusterId).storage);
        if (input.storage.backend === "ceph") await provider.deleteCephPool(req);
        else await provider.detachNvmeDrives(req);
      });
    },

    async registerDedicatedCluster(input: DedicatedClusterInput): Promise<void> {
      await providerCall(async () => {
        await gate(input);
        await provider.registerCluster(request(input, dedicatedKeys(input.clusterId).registration));
      });
    },
    async deregisterDedicatedCluster(input: ClusterRef): Promise<void> {
      return providerCall(async () => {
        await provider.deregisterCluster(request(input, dedicatedKeys(input.clusterId).registration));
      });
    },

    async compensateClusterOrder(
      input: DedicatedClusterInput & { orderId: OrderId },
      reason: string,
      message: string,
    ): Promise<void> {
      await dbStep(() => compensateClusterOrder(db, { ...input, reason, message }));
    },
  };
}

export type DedicatedClusterActivities = ReturnType<typeof createDedicatedClusterActivities>;
