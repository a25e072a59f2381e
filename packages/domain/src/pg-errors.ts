/** The Postgres error behind a (possibly wrapped) driver error, if any. */
export function pgErrorOf(err: unknown): { code: string; constraint?: string } | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const constraint = (e as { constraint?: unknown }).constraint;
      return typeof constraint === "string" ? { code, constraint } : { code };
    }
  }
  return null;
}

export const UNIQUE_VIOLATION = "23505";
export const DEADLOCK_DETECTED = "40P01";
