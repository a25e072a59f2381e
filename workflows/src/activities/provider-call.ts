import { Context } from "@temporalio/activity";
import { ApplicationFailure } from "@temporalio/common";
import { DomainError } from "@platforma/contracts";
import { storageRefusalOf, tenantGuardError } from "@platforma/domain";

/** How often a provider call reports liveness; the preset's heartbeat timeout is a few of these. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Wraps a provider call: it heartbeats while it waits, so a worker that dies mid-call is noticed
 * within the heartbeat timeout (not the minutes-long start-to-close timeout) and the call is
 * retried elsewhere; and a domain failure, which retrying cannot fix, becomes a non-retryable
 * failure whose type is the error reason, for the workflow to record on the order.
 */
export async function providerCall<T>(fn: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await fn();
  } catch (err) {
    throw finalIfDomain(err);
  } finally {
    clearInterval(timer);
  }
}

/** Wraps a database step: domain refusals are final, anything else (Postgres away) is retried. */
export async function dbStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw finalIfDomain(err);
  }
}

/**
 * A domain failure is not fixed by retrying: it becomes a non-retryable failure whose type is the
 * error reason (its details ride along), for the workflow to record. So does a refusal by the
 * database's tenant write guard, and a value the database refuses to store (retrying the same
 * value cannot succeed). Anything else is returned as is, to be retried.
 */
export function finalIfDomain(err: unknown): unknown {
  const domain = err instanceof DomainError ? err : (tenantGuardError(err) ?? storageRefusalOf(err));
  if (!domain) return err;
  return ApplicationFailure.create({
    message: domain.message,
    type: domain.reason,
    nonRetryable: true,
    details: [domain.details],
    cause: domain,
  });
}
