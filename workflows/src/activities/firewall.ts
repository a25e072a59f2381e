import type { ApplyFirewallRulesInput } from "@platforma/contracts";
import { assertOrderMayProceed, desiredFirewallRules, markRulesApplied } from "@platforma/domain";
import { dedicatedKeys } from "@platforma/providers";
import type { ActivityDeps } from "./activity-deps.ts";
import { dedicatedRequest } from "./dedicated-cluster.ts";
import { providerCall } from "./provider-call.ts";

/** Activities of `applyFirewallRules`. */
export function createFirewallActivities({
  db,
  systemDb,
  provider,
}: Pick<ActivityDeps, "db" | "systemDb" | "provider">) {
  return {
    /** Has the provider enforce a network's desired rules (always the latest version). */
    async applyDesiredFirewallRules(input: ApplyFirewallRulesInput): Promise<number> {
      return providerCall(async () => {
        await assertOrderMayProceed(db, systemDb, input);
        const desired = await desiredFirewallRules(db, input.tenantId, input.networkId);
        await provider.applyFirewallRules({
          ...dedicatedRequest(input, dedicatedKeys(input.clusterId).firewall),
          vlanId: desired.vlanId,
          version: desired.version,
          rules: desired.rules,
        });
        await markRulesApplied(db, input.tenantId, input.networkId, desired.version);
        return desired.version;
      });
    },
  };
}

export type FirewallActivities = ReturnType<typeof createFirewallActivities>;
