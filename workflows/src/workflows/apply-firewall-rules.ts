import { CancellationScope, proxyActivities } from "@temporalio/workflow";
import type { ApplyFirewallRulesInput, ProvisionClusterResult } from "@platforma/contracts/workflows";
import type { FirewallActivities } from "../activities/firewall.ts";
import type { OrderStepActivities } from "../activities/order-steps.ts";
import { DB_STEP, PROVIDER_STEP } from "./activity-presets.ts";
import { endReason } from "./failure-reason.ts";
import { recordOrderState } from "./order-state.ts";

const db = proxyActivities<OrderStepActivities>(DB_STEP);
const provider = proxyActivities<FirewallActivities>(PROVIDER_STEP);

/** Has the provider enforce a network's desired firewall rules (always the latest version). */
export async function applyFirewallRules(input: ApplyFirewallRulesInput): Promise<ProvisionClusterResult> {
  try {
    await db.markOrderStep(input, "apply", "running");
    await provider.applyDesiredFirewallRules(input);
    await db.markOrderStep(input, "apply", "done");
    await db.completeOrder(input);
    return recordOrderState({ state: "completed" });
  } catch (err) {
    const { reason, message } = endReason(err);
    await CancellationScope.nonCancellable(() => db.failOrder(input, reason, message));
    return recordOrderState({ state: "failed", reason });
  }
}
