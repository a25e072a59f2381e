import { DomainError } from "@platforma/contracts";

/** The Postgres error behind a (possibly wrapped) driver error, if any. */
export function pgErrorOf(err: unknown): { code: string; constraint?: string; hint?: string } | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const { constraint, hint } = e as { constraint?: unknown; hint?: unknown };
      return {
        code,
        ...(typeof constraint === "string" ? { constraint } : {}),
        ...(typeof hint === "string" ? { hint } : {}),
      };
    }
  }
  return null;
}

export const UNIQUE_VIOLATION = "23505";
export const DEADLOCK_DETECTED = "40P01";

/** Raised by the tenant write guard (migration 0008): nothing is written for a purged tenant. */
export const TENANT_PURGED = "PT001";
/** Raised by the tenant write guard: a tenant that is not active takes no new order or allocation. */
export const TENANT_NOT_ACTIVE = "PT002";

/**
 * A value Postgres refused to store (SQLSTATE class 22, data exception: a NUL in text, a lone
 * surrogate in jsonb, a number out of range, …) as `invalid_input`. Inputs are validated before
 * they reach the database, so this is the backstop: retrying cannot help and it is not a server
 * failure. The database's message (which may quote SQL) stays in the cause, not in the answer.
 */
export function storageRefusalOf(err: unknown): DomainError | null {
  const pg = pgErrorOf(err);
  if (!pg?.code.startsWith("22")) return null;
  return new DomainError(
    "invalid_input",
    "a value could not be stored",
    { sqlstate: pg.code },
    { cause: err },
  );
}
