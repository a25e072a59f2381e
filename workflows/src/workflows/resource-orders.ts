import { CancellationScope, log, proxyActivities } from "@temporalio/workflow";
import type { ResourceOrderInput, ResourceOrderResult } from "@platforma/contracts/workflows";
import type { OrderStepActivities } from "../activities/order-steps.ts";
import type { ResourceActivities } from "../activities/resources.ts";
import { DB_STEP, PROVIDER_STEP } from "./activity-presets.ts";
import { endReason } from "./failure-reason.ts";
import { recordOrderState } from "./order-state.ts";

const db = proxyActivities<OrderStepActivities & ResourceActivities>(DB_STEP);
const provider = proxyActivities<ResourceActivities>(PROVIDER_STEP);

/** Provisions an instance or a storage pool; on failure releases it and gives the order's quota back. */
export async function provisionResource(input: ResourceOrderInput): Promise<ResourceOrderResult> {
  try {
    await db.markOrderStep(input, "provision", "running");
    await provider.provisionResource(input);
    await db.completeResourceProvisioning(input);
    return recordOrderState({ state: "completed" });
  } catch (err) {
    const { reason, message } = endReason(err);
    log.warn("resource provisioning failed", { orderId: input.orderId, kind: input.kind, reason });
    await CancellationScope.nonCancellable(async () => {
      // Release is idempotent, so it is safe even if provisioning never got that far.
      await provider.releaseResource(input);
      await db.failResourceProvisioning(input, reason, message);
    });
    return recordOrderState({ state: "failed", reason });
  }
}

/** Deprovisions an instance or a storage pool; the quota it held comes back at the end. */
export async function deprovisionResource(input: ResourceOrderInput): Promise<ResourceOrderResult> {
  await db.markOrderStep(input, "deprovision", "running");
  await provider.releaseResource(input);
  await db.completeResourceDeletion(input);
  return recordOrderState({ state: "completed" });
}
