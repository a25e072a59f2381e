import { DEADLOCK_DETECTED, pgErrorOf } from "./pg-errors.ts";

/**
 * Runs a transaction again when Postgres chose it as the victim of a deadlock. Postgres aborts
 * exactly one side of a deadlock, so the other goes on and a rerun usually finds the way clear.
 */
export async function retryingDeadlocks<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || pgErrorOf(err)?.code !== DEADLOCK_DETECTED) throw err;
    }
  }
}
