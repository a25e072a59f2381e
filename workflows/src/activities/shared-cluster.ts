import type { ProvisionClusterInput } from "@platforma/contracts";
import { assertOrderMayProceed, completeClusterOrder, failClusterOrder } from "@platforma/domain";
import { sharedClusterKey } from "@platforma/providers";
import type { ActivityDeps } from "./activity-deps.ts";
import { dbStep, providerCall } from "./provider-call.ts";

/** Activities of `provisionCluster` (shared placement). */
export function createSharedClusterActivities({
  db,
  systemDb,
  provider,
}: Pick<ActivityDeps, "db" | "systemDb" | "provider">) {
  const request = (input: ProvisionClusterInput) => ({
    ...input,
    requestKey: sharedClusterKey(input.orderId),
  });
  return {
    async allocateClusterCapacity(input: ProvisionClusterInput): Promise<string> {
      return providerCall(async () => {
        await assertOrderMayProceed(db, systemDb, input);
        const allocation = await provider.allocateCluster(request(input));
        return allocation.allocationId;
      });
    },
    async releaseClusterCapacity(input: ProvisionClusterInput): Promise<void> {
      await providerCall(() => provider.releaseCluster(request(input)));
    },
    async completeClusterOrder(input: ProvisionClusterInput): Promise<void> {
      await dbStep(() => completeClusterOrder(db, input));
    },
    async failClusterOrder(input: ProvisionClusterInput, reason: string, message: string): Promise<void> {
      await dbStep(() => failClusterOrder(db, { ...input, reason, message }));
    },
  };
}

export type SharedClusterActivities = ReturnType<typeof createSharedClusterActivities>;
