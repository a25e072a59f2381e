import { CancellationScope, log, proxyActivities } from "@temporalio/workflow";
import type {
  DedicatedClusterInput,
  DedicatedStep,
  ProvisionClusterResult,
} from "@platforma/contracts/workflows";
import type { DedicatedClusterActivities } from "../activities/dedicated-cluster.ts";
import type { OrderStepActivities } from "../activities/order-steps.ts";
import type { SharedClusterActivities } from "../activities/shared-cluster.ts";
import { DB_STEP, PROVIDER_STEP } from "./activity-presets.ts";
import { endReason } from "./failure-reason.ts";
import { recordOrderState } from "./order-state.ts";

const db = proxyActivities<
  OrderStepActivities & DedicatedClusterActivities & Pick<SharedClusterActivities, "completeClusterOrder">
>(DB_STEP);
const provider = proxyActivities<DedicatedClusterActivities>(PROVIDER_STEP);

/**
 * The dedicated-cluster saga: compute (whole nodes) → network (own VLAN, CIDR, firewall) →
 * storage (Ceph pool or NVMe drives) → register. Each step's undo is registered before the step
 * runs (a timed-out call may still have taken inventory), undos are idempotent, and on failure or
 * cancellation they run in reverse order in a non-cancellable scope. The order then ends
 * `compensated` with its quota given back.
 */
export async function provisionDedicatedCluster(
  input: DedicatedClusterInput,
): Promise<ProvisionClusterResult> {
  const undos: { step: DedicatedStep; undo: () => Promise<void> }[] = [];

  async function step(name: DedicatedStep, run: () => Promise<unknown>, undo: () => Promise<void>) {
    await db.markOrderStep(input, name, "running");
    undos.unshift({ step: name, undo });
    await run();
    await db.markOrderStep(input, name, "done");
  }

  try {
    await step(
      "compute",
      () => provider.allocateDedicatedNodes(input),
      () => provider.releaseDedicatedNodes(input),
    );
    await step(
      "network",
      () => provider.createDedicatedNetwork(input),
      () => provider.deleteDedicatedNetwork(input),
    );
    await step(
      "storage",
      () => provider.createDedicatedStorage(input),
      () => provider.deleteDedicatedStorage(input),
    );
    await step(
      "register",
      async () => {
        await provider.registerDedicatedCluster(input);
        await db.completeClusterOrder(input);
      },
      () => provider.deregisterDedicatedCluster(input),
    );
    log.info("dedicated cluster provisioned", { orderId: input.orderId, clusterId: input.clusterId });
    return recordOrderState({ state: "completed" });
  } catch (err) {
    const { reason, message } = endReason(err);
    log.warn("dedicated cluster saga compensating", { orderId: input.orderId, reason });
    await CancellationScope.nonCancellable(async () => {
      for (const { step: name, undo } of undos) {
        await undo();
        await db.markOrderStep(input, name, "compensated");
      }
      await db.compensateClusterOrder(input, reason, message);
    });
    return recordOrderState({ state: "compensated", reason });
  }
}
