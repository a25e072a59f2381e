import type { TenantLifecycleClient } from "@platforma/domain";

/** The benchmarks never change a tenant's state; a transition here is a mistake in the benchmark. */
export const noLifecycle: TenantLifecycleClient = {
  transition: () => Promise.reject(new Error("the benchmark server runs no lifecycle workflows")),
  status: () => Promise.resolve(null),
};
