import type { ResourceOrderInput } from "@platforma/contracts";
import {
  assertOrderMayProceed,
  completeResourceDeletion,
  completeResourceProvisioning,
  failResourceProvisioning,
} from "@platforma/domain";
import { resourceKey } from "@platforma/providers";
import type { ActivityDeps } from "./activity-deps.ts";
import { dbStep, providerCall } from "./provider-call.ts";

/** Activities of `provisionResource` and `deprovisionResource` (instances and storage pools). */
export function createResourceActivities({
  db,
  systemDb,
  provider,
}: Pick<ActivityDeps, "db" | "systemDb" | "provider">) {
  const request = (input: ResourceOrderInput) => ({
    ...input,
    requestKey: resourceKey(input.kind, input.resourceId),
  });
  return {
    async provisionResource(input: ResourceOrderInput): Promise<void> {
      await providerCall(async () => {
        await assertOrderMayProceed(db, systemDb, input);
        await provider.provisionResource(request(input));
      });
    },
    /** Idempotent, so it is safe even if provisioning never got that far. */
    async releaseResource(input: ResourceOrderInput): Promise<void> {
      await providerCall(() => provider.releaseResource(request(input)));
    },
    async completeResourceProvisioning(input: ResourceOrderInput): Promise<void> {
      await dbStep(() => completeResourceProvisioning(db, input));
    },
    async failResourceProvisioning(
      input: ResourceOrderInput,
      reason: string,
      message: string,
    ): Promise<void> {
      await dbStep(() => failResourceProvisioning(db, input, reason, message));
    },
    async completeResourceDeletion(input: ResourceOrderInput): Promise<void> {
      await dbStep(() => completeResourceDeletion(db, input));
    },
  };
}

export type ResourceActivities = ReturnType<typeof createResourceActivities>;
