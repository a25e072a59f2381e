import { ActivityCancellationType, type ActivityOptions } from "@temporalio/workflow";

/** Database-only steps: quick, retried for a while (a Postgres restart must not fail an order). */
export const DB_STEP: ActivityOptions = {
  startToCloseTimeout: "30 seconds",
  retry: {
    initialInterval: "500 milliseconds",
    backoffCoefficient: 2,
    maximumInterval: "30 seconds",
    maximumAttempts: 50,
  },
};

/**
 * Provider calls: slower, retried with backoff; domain failures are non-retryable by type. On
 * cancellation the workflow waits for a running call to finish, so an allocation that completes
 * after the cancel is still seen, and undone, by compensation.
 */
export const PROVIDER_STEP: ActivityOptions = {
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  // Provider calls heartbeat every second: a dead worker is noticed in seconds, not minutes.
  heartbeatTimeout: "5 seconds",
  startToCloseTimeout: "5 minutes",
  retry: {
    initialInterval: "1 second",
    backoffCoefficient: 2,
    maximumInterval: "1 minute",
    maximumAttempts: 20,
  },
};

/**
 * Lifecycle work that must finish eventually (archive export, compute release, purge steps): every
 * step is idempotent, so it is retried without limit, backing off to every five minutes. The
 * heartbeat timeout lets a step lost with its worker start again elsewhere within seconds.
 */
export const LIFECYCLE_STEP: ActivityOptions = {
  startToCloseTimeout: "30 minutes",
  heartbeatTimeout: "20 seconds",
  retry: {
    initialInterval: "1 second",
    backoffCoefficient: 2,
    maximumInterval: "5 minutes",
    // No maximumAttempts: unlimited.
  },
};
