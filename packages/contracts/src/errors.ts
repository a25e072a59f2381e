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
  internal: 500,
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
