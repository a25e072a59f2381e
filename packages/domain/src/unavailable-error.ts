import { isGrpcServiceError } from "@temporalio/client";
import { DomainError, type Dependency } from "@platforma/contracts";

/**
 * SQLSTATEs of a Postgres that is restarting, failing over, full, or that aborted a transaction
 * only because of a concurrent one: the same request can succeed a moment later. Class 08 is
 * every connection exception. Deadlocks (40P01) reach here only after `retryingDeadlocks` gave up.
 */
const TRANSIENT_SQLSTATES = new Set([
  "57P01", // admin_shutdown: the server is stopping (or the backend was terminated)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up, or in recovery
  "53300", // too_many_connections
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

/** Socket errors of a connection to Postgres that could not be made or was lost. */
const SOCKET_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * What node-postgres (pg, pg-pool) throws, without a code, for a connection that ended, could not
 * be made in time (`connectionTimeoutMillis`), or is unusable after an earlier connection error.
 */
const PG_CONNECTION_MESSAGES = new Set([
  "Connection terminated",
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "timeout expired",
  "Query read timeout",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
]);

/** gRPC status codes (`@grpc/grpc-js` `status`) of a Temporal frontend that cannot be reached in time. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function dependencyOf(e: object): Dependency | null {
  // Temporal's client surfaces transport failures as gRPC errors, possibly wrapped (ServiceError,
  // WorkflowUpdateRPCTimeoutOrCancelledError): UNAVAILABLE after its own retries, DEADLINE_EXCEEDED
  // when the caller's deadline (`withDeadline`) passed first.
  if (isGrpcServiceError(e)) {
    return e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED ? "temporal" : null;
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    // The API's only plain-socket dependency is Postgres (Temporal's transport errors are gRPC's).
    if (SOCKET_ERROR_CODES.has(code)) return "postgres";
    if (/^[0-9A-Z]{5}$/.test(code) && (code.startsWith("08") || TRANSIENT_SQLSTATES.has(code))) {
      return "postgres";
    }
  }
  const message = (e as { message?: unknown }).message;
  if (typeof message === "string" && PG_CONNECTION_MESSAGES.has(message)) return "postgres";
  return null;
}

/**
 * The dependency whose outage caused `err`, if that is what it is: Postgres unreachable,
 * restarting, out of connections, or aborting a transaction for a concurrent one; Temporal
 * unreachable or not answering before the deadline. Looks through wrappers (`DrizzleQueryError`,
 * Temporal's `ServiceError`) along `cause`.
 */
export function outageDependencyOf(err: unknown): Dependency | null {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    // A domain error already says what went wrong, whatever caused it.
    if (e instanceof DomainError) return null;
    const dependency = dependencyOf(e);
    if (dependency) return dependency;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * A dependency outage as the typed, retryable `unavailable` error (HTTP 503), or null when `err`
 * is something else. The message names the dependency only: the driver's text (SQL, addresses)
 * stays in the cause, for the logs.
 */
export function unavailableErrorOf(err: unknown): DomainError | null {
  const dependency = outageDependencyOf(err);
  if (!dependency) return null;
  return new DomainError(
    "unavailable",
    `${dependency} is unavailable; retry shortly`,
    { dependency, retryable: true },
    { cause: err },
  );
}
