/**
 * Error reasons are the API's stable error contract: clients branch on `error.data.reason`.
 * Each reason maps to exactly one HTTP status.
 */
export const ERROR_REASONS = {
  invalid_token: 401,
  missing_scope: 403,
  tenant_suspended: 403,
  tenant_archived: 403,
  tenant_deleted: 403,
  quota_exceeded: 403,
  region_not_allowed: 403,
  placement_not_allowed: 403,
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  invalid_transition: 409,
  capacity_unavailable: 409,
  /** Something still runs on the resource (e.g. a cluster whose instances are being provisioned). */
  resource_busy: 409,
  /** A workflow step met an order that already ended (cancelled, failed, or closed by its tenant's lifecycle). */
  order_closed: 409,
  /** A workflow step met a tenant that no longer takes orders or allocations (suspended, archived, deleted). */
  tenant_not_active: 409,
  /** A dependency (Postgres, Temporal) is unreachable or briefly refusing work: retry after `Retry-After`. */
  unavailable: 503,
  /**
   * The platform's backlog of open orders is past its bound: new orders wait outside instead of
   * queueing without limit. Retry after `Retry-After`; nothing was written.
   */
  overloaded: 503,
  internal: 500,
  /**
   * Too many refused credentials from this client address, or for this API key id, in the
   * current window: retry after `Retry-After` (seconds, also in `retryAfterSeconds`).
   */
  rate_limited: 429,
  /** The procedure does not take this HTTP method (queries `GET`, mutations `POST`); `Allow` lists those it does. */
  method_not_allowed: 405,
  /** The request body is not JSON: a procedure call carries `content-type: application/json` or none. */
  unsupported_media_type: 415,
  /** The request body is larger than the server accepts. */
  payload_too_large: 413,
  /** The URL (a procedure path or batch) is longer than the server accepts. */
  uri_too_long: 414,
  /** The request's headers (the URL included) are larger than the server accepts. */
  headers_too_large: 431,
  /** The request did not arrive in full within the server's deadline. */
  request_timeout: 408,
} as const;

export type ErrorReason = keyof typeof ERROR_REASONS;

/** What an `unavailable` error names as `dependency`: the service the request could not reach. */
export const DEPENDENCIES = ["postgres", "temporal"] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

export interface QuotaViolation {
  quota: string;
  limit: number;
  used: number;
  requested: number;
}

export interface ErrorDetails {
  violations?: QuotaViolation[];
  /** On `unavailable`: which dependency failed. */
  dependency?: Dependency;
  /** On `unavailable`: the same request may succeed if sent again. */
  retryable?: boolean;
  /** On `rate_limited`: seconds until the client may try again (the `Retry-After` header). */
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/** A failure the caller can act on; the API maps `reason` to its HTTP status. */
export class DomainError extends Error {
  readonly reason: ErrorReason;
  readonly details: ErrorDetails;

  constructor(reason: ErrorReason, message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = "DomainError";
    this.reason = reason;
    this.details = details;
  }
}
