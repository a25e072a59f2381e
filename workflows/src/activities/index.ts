import { ApplicationFailure } from "@temporalio/common";
import { DomainError, type ProvisionClusterInput } from "@platforma/contracts";
import type { AppDb } from "@platforma/db";
import { completeClusterOrder, failClusterOrder, markOrderStep } from "@platforma/domain";
import type { ProviderDriver } from "@platforma/providers";

export interface ActivityDeps {
  db: AppDb;
  provider: ProviderDriver;
}

/**
 * A domain failure is not fixed by retrying: surface it as a non-retryable failure whose type is
 * the error reason, so the workflow can record it on the order.
 */
async function domainFailuresAreFinal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: err.reason,
        nonRetryable: true,
        cause: err,
      });
    }
    throw err;
  }
}

/** Activities are thin: each opens its own tenant transaction from the tenant id in its input. */
export function createActivities(deps: ActivityDeps) {
  const { db, provider } = deps;
  const requestKey = (input: ProvisionClusterInput) => `${input.orderId}.compute`;
  return {
    async markClusterStep(
      input: ProvisionClusterInput,
      step: string,
      state: "running" | "done",
    ): Promise<void> {
      await markOrderStep(db, input.tenantId, input.orderId, { name: step, state });
    },
    async allocateClusterCapacity(input: ProvisionClusterInput): Promise<string> {
      return domainFailuresAreFinal(async () => {
        const allocation = await provider.allocateCluster({ ...input, requestKey: requestKey(input) });
        return allocation.allocationId;
      });
    },
    async releaseClusterCapacity(input: ProvisionClusterInput): Promise<void> {
      await provider.releaseCluster({ ...input, requestKey: requestKey(input) });
    },
    async completeClusterOrder(input: ProvisionClusterInput): Promise<void> {
      await completeClusterOrder(db, input);
    },
    async failClusterOrder(input: ProvisionClusterInput, reason: string, message: string): Promise<void> {
      await failClusterOrder(db, { ...input, reason, message });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
