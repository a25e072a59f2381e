import { DomainError } from "@platforma/contracts";
import { pgErrorOf, TENANT_NOT_ACTIVE, TENANT_PURGED } from "./pg-errors.ts";

/**
 * The database's tenant write guard refused a write (docs/decisions/tenant-write-guard.md): the
 * domain error a caller can act on, or null for any other error. A refusal is final: retrying
 * cannot make a tenant active again.
 */
export function tenantGuardError(err: unknown): DomainError | null {
  const pg = pgErrorOf(err);
  if (pg?.code === TENANT_PURGED) {
    return new DomainError("tenant_not_active", "the tenant was purged", { state: "purged" }, { cause: err });
  }
  if (pg?.code === TENANT_NOT_ACTIVE) {
    return new DomainError(
      "tenant_not_active",
      `the tenant is ${pg.hint ?? "not active"} and takes no new orders or allocations`,
      { state: pg.hint ?? null },
      { cause: err },
    );
  }
  return null;
}
