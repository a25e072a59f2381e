import {
  type ApplyFirewallRulesInput,
  type DedicatedClusterInput,
  type DeprovisionClusterInput,
  type TenantId,
} from "@platforma/contracts";
import {
  assertRegionAllowed,
  completeClusterDeletion,
  completeOrder,
  compensateClusterOrder,
  desiredFirewallRules,
  failOrder,
  liveClusterResources,
  markRulesApplied,
  recordDedicatedNetwork,
  retireResource,
} from "@platforma/domain";
import { providerCall } from "./provider-call.ts";
import type { ActivityDeps } from "./index.ts";

type ClusterRef = { tenantId: TenantId; clusterId: string; region: string };

/** Inventory request keys derive from the cluster, so deprovisioning finds what provisioning took. */
export const dedicatedKeys = (clusterId: string) => ({
  nodes: `${clusterId}.nodes`,
  vlan: `${clusterId}.vlan`,
  firewall: `${clusterId}.firewall`,
  storage: `${clusterId}.storage`,
  registration: `${clusterId}.registration`,
});

/** Dedicated-cluster activities: each re-checks the tenant's regions, then does one idempotent step. */
export function createDedicatedActivities(deps: ActivityDeps) {
  const { db, systemDb, provider } = deps;
  const request = (input: ClusterRef, key: string) => ({
    tenantId: input.tenantId,
    clusterId: input.clusterId as DedicatedClusterInput["clusterId"],
    region: input.region,
    requestKey: key,
  });
  const allowed = (input: ClusterRef) => assertRegionAllowed(systemDb, input.tenantId, input.region);

  return {
    async allocateDedicatedNodes(input: DedicatedClusterInput): Promise<string[]> {
      return providerCall(async () => {
        await allowed(input);
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
        await allowed(input);
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
        await allowed(input);
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
        await allowed(input);
        await provider.registerCluster(request(input, dedicatedKeys(input.clusterId).registration));
      });
    },
    async deregisterDedicatedCluster(input: ClusterRef): Promise<void> {
      return providerCall(async () => {
        await provider.deregisterCluster(request(input, dedicatedKeys(input.clusterId).registration));
      });
    },

    async compensateClusterOrder(
      input: DedicatedClusterInput,
      reason: string,
      message: string,
    ): Promise<void> {
      await compensateClusterOrder(db, { ...input, reason, message });
    },

    /** Deprovisions everything on the cluster first (dependency order), giving back its quota. */
    async retireClusterResources(input: DeprovisionClusterInput): Promise<number> {
      return providerCall(async () => {
        const live = await liveClusterResources(db, input.tenantId, input.clusterId);
        for (const r of live) {
          await provider.releaseResource({
            tenantId: input.tenantId,
            clusterId: input.clusterId,
            ...r,
            requestKey: `${r.kind}.${r.resourceId}`,
          });
          await retireResource(db, input.tenantId, r.kind, r.resourceId);
        }
        return live.length;
      });
    },
    async releaseSharedCluster(input: DeprovisionClusterInput): Promise<void> {
      return providerCall(async () => {
        await provider.releaseCluster(request(input, `${input.provisionOrderId}.compute`));
      });
    },
    async completeClusterDeletion(input: DeprovisionClusterInput): Promise<void> {
      await completeClusterDeletion(db, input);
    },

    async applyDesiredFirewallRules(input: ApplyFirewallRulesInput): Promise<number> {
      return providerCall(async () => {
        await allowed(input);
        const desired = await desiredFirewallRules(db, input.tenantId, input.networkId);
        await provider.applyFirewallRules({
          ...request(input, dedicatedKeys(input.clusterId).firewall),
          vlanId: desired.vlanId,
          version: desired.version,
          rules: desired.rules,
        });
        await markRulesApplied(db, input.tenantId, input.networkId, desired.version);
        return desired.version;
      });
    },
    async completeOrder(input: {
      tenantId: TenantId;
      orderId: ApplyFirewallRulesInput["orderId"];
    }): Promise<void> {
      await completeOrder(db, input.tenantId, input.orderId);
    },
    async failOrder(
      input: { tenantId: TenantId; orderId: ApplyFirewallRulesInput["orderId"] },
      reason: string,
      message: string,
    ) {
      await failOrder(db, input.tenantId, input.orderId, reason, message);
    },
  };
}

export type DedicatedActivities = ReturnType<typeof createDedicatedActivities>;
