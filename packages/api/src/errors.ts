import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { DomainError, ERROR_REASONS, type ErrorReason } from "@platforma/contracts";
import { storageRefusalOf, unavailableErrorOf } from "@platforma/domain";
import type { InputIssue } from "./error-shape.ts";

const CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  408: "TIMEOUT",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  // tRPC has no code for these two; only the HTTP host answers them, with their own status.
  414: "BAD_REQUEST",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  431: "BAD_REQUEST",
  500: "INTERNAL_SERVER_ERROR",
  503: "SERVICE_UNAVAILABLE",
};

export function trpcCodeFor(reason: ErrorReason): TRPC_ERROR_CODE_KEY {
  return CODE_BY_STATUS[ERROR_REASONS[reason]] ?? "INTERNAL_SERVER_ERROR";
}

/** Wraps a domain error so tRPC answers with its status; the DomainError stays the cause. */
export function toTrpcError(err: DomainError): TRPCError {
  return new TRPCError({ code: trpcCodeFor(err.reason), message: err.message, cause: err });
}

/**
 * The one mapping from a failure to what the caller is told: a domain error as thrown, a
 * dependency outage (Postgres, Temporal) as `unavailable`, a value Postgres refused to store as
 * `invalid_input`, anything else null (`internal`). The
 * error middleware, the error formatter and subscription streams all go through here.
 */
export function domainErrorOf(err: unknown): DomainError | null {
  return err instanceof DomainError ? err : (unavailableErrorOf(err) ?? storageRefusalOf(err));
}

/** `err` as tRPC should see it: mapped when `domainErrorOf` knows it, untouched otherwise. */
export function mapError(err: unknown): unknown {
  const domain = domainErrorOf(err);
  return domain ? toTrpcError(domain) : err;
}

/**
 * Seconds a client should wait before retrying an `unavailable` request (`Retry-After`): about
 * how long a Postgres restart or a Temporal frontend failover takes to be noticed by the pools.
 */
export const RETRY_AFTER_SECONDS = 2;

/** Seconds until the request that failed with `err` is worth sending again, or null if it is not. */
export function retryAfterSecondsOf(err: DomainError): number | null {
  if (err.reason === "unavailable") return RETRY_AFTER_SECONDS;
  if (err.reason === "rate_limited" || err.reason === "overloaded")
    return err.details.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
  return null;
}

/** Response headers for a response carrying these errors: `Retry-After` if any is worth retrying. */
export function retryHeadersFor(errors: readonly TRPCError[]): Record<string, string> {
  const waits = errors.flatMap((error) => {
    const domain = domainErrorOf(error.cause);
    const seconds = domain ? retryAfterSecondsOf(domain) : null;
    return seconds === null ? [] : [seconds];
  });
  return waits.length > 0 ? { "retry-after": String(Math.max(...waits)) } : {};
}

/** Reason for errors tRPC raises itself (bad JSON, unknown procedure, input validation, transport). */
const REASON_BY_CODE: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorReason>> = {
  PARSE_ERROR: "invalid_input",
  BAD_REQUEST: "invalid_input",
  METHOD_NOT_SUPPORTED: "method_not_allowed",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  UNPROCESSABLE_CONTENT: "invalid_input",
  TIMEOUT: "request_timeout",
  TOO_MANY_REQUESTS: "rate_limited",
  NOT_FOUND: "not_found",
  UNAUTHORIZED: "invalid_token",
};

function issuesOf(cause: unknown): InputIssue[] | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  return issues.map((i: { path?: PropertyKey[]; message?: string; code?: string }) => ({
    path: (i.path ?? []).map((p) => (typeof p === "symbol" ? String(p) : p)),
    message: i.message ?? "invalid",
    ...(i.code ? { code: i.code } : {}),
  }));
}

/** What `error.data` carries besides tRPC's own fields: the reason and its details. */
export function errorData(error: TRPCError): { reason: ErrorReason } & Record<string, unknown> {
  const cause = error.cause;
  const domain = domainErrorOf(cause);
  if (domain) return { ...domain.details, reason: domain.reason };
  const issues = issuesOf(cause);
  if (issues) return { reason: "invalid_input", issues };
  return { reason: REASON_BY_CODE[error.code] ?? "internal" };
}

/** The reason a failure is reported under (`error.data.reason`), for the host's access log. */
export function errorReasonOf(error: TRPCError): ErrorReason {
  return errorData(error).reason;
}

const requestIds = new WeakMap<TRPCError, string>();

/**
 * Ties a failure to its request. tRPC hands every failure to the adapter's `onError` before it
 * shapes the error, so the host attaches the id there, and `error.data.requestId` is set even for
 * a request that failed before it had a context (an unparseable batch, a malformed body).
 */
export function attachRequestId(error: TRPCError, requestId: string): void {
  requestIds.set(error, requestId);
}

export function requestIdAttachedTo(error: TRPCError): string | undefined {
  return requestIds.get(error);
}
