import { DomainError, transitionRefusal, type LifecycleCommand, type TenantId } from "@platforma/contracts";
import type { SystemDb } from "@platforma/db";
import type { TenantAccessReader } from "../tenants/tenant-access.ts";
import { getTenantDetails, type TenantDetailsDto } from "./tenant-details.ts";
import { readLifecycleSnapshot } from "./lifecycle-snapshot.ts";
import type { TenantLifecycleClient } from "./tenant-lifecycle-client.ts";

export interface LifecycleDeps {
  systemDb: SystemDb;
  lifecycle: TenantLifecycleClient;
  tenantAccess: TenantAccessReader;
}

/**
 * Operator use case behind every lifecycle procedure. An invalid transition is refused here from
 * the database's state, before Temporal is involved; the workflow's update validator checks again
 * against its own state (the two agree unless a transition is in flight, which it also refuses).
 * Once the workflow has committed the change, this process drops its cached tenant state so the
 * tenant's next request already sees it; other API processes see it within their cache TTL.
 */
export async function transitionTenant(
  deps: LifecycleDeps,
  tenantId: TenantId,
  command: LifecycleCommand,
): Promise<TenantDetailsDto> {
  const snapshot = await readLifecycleSnapshot(deps.systemDb, tenantId);
  const refusal = snapshot.purged
    ? "the tenant was purged"
    : transitionRefusal(command.transition, snapshot.state);
  if (refusal) {
    throw new DomainError("invalid_transition", refusal, {
      currentState: snapshot.state,
      transition: command.transition,
    });
  }
  try {
    await deps.lifecycle.transition(tenantId, snapshot, command);
  } finally {
    // Also after a failure: the change may have committed before the error came back.
    deps.tenantAccess.invalidate(tenantId);
  }
  return getTenantDetails(deps, tenantId);
}
