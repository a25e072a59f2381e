import type { AppDb, SystemDb } from "@platforma/db";
import type {
  OrderBacklog,
  RequestLimiter,
  RequestRate,
  TenantAccessReader,
  TenantLifecycleClient,
  WorkflowStarter,
} from "@platforma/domain";
import { addressKey } from "./auth/address-key.ts";
import {
  createFailureThrottle,
  DEFAULT_ADDRESS_FAILURES,
  type FailureThrottle,
} from "./auth/failure-throttle.ts";
import type { Principal, TokenVerifier } from "./auth/principal.ts";
import { createStreamSlots, DEFAULT_STREAM_LIMITS, type StreamSlots } from "./stream-slots.ts";

/** A pino-compatible logger; the API package does not pick the implementation. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Everything procedures reach, built once by the composition root (apps/api). */
export interface ApiDeps {
  db: AppDb;
  systemDb: SystemDb;
  workflows: WorkflowStarter;
  verifier: TokenVerifier;
  tenantAccess: TenantAccessReader;
  /** Tenant lifecycle transitions (suspend, archive, deletion, …) through the tenant's workflow. */
  lifecycle: TenantLifecycleClient;
  logger: Logger;
  /** How often an event subscription polls the tenant's outbox (default 500 ms). */
  eventPollIntervalMs?: number;
  /** Aborted when the host shuts down: long-lived subscriptions end so the server can close. */
  closing?: AbortSignal;
  /**
   * Refused credentials counted per client address (default: 50 a minute); an address over its
   * limit is answered `rate_limited` before its credential is looked at.
   */
  addressFailures?: FailureThrottle;
  /**
   * Each tenant's request budget, shared by every API process, and the rate of tenants the
   * operator set none for. Without a limiter, tenant requests are not rate-limited.
   */
  requests?: { limiter: RequestLimiter; defaultRate: RequestRate };
  /** Back-pressure: orders are refused `overloaded` while the platform's backlog is at its bound. */
  backlog?: OrderBacklog;
  /** Orders one tenant may have open at once; past it `rate_limited`. Unset: no cap. */
  maxOrdersInFlight?: number;
  /** Open event streams per tenant and per credential (default: 100 and 20). */
  streamSlots?: StreamSlots;
}

/**
 * What the host's access log learns about a request while its calls run (who called); one object
 * per HTTP request, shared by every call of a batch.
 */
export interface RequestTrace {
  userId?: string;
  tenantId?: string;
}

export interface RequestContext {
  deps: ApiDeps;
  /** The raw `Authorization` header; verified lazily by the auth middleware. */
  authorization: string | undefined;
  requestId: string;
  log: Logger;
  /** Who is calling, as a throttling key (`addressKey`): the socket's address, or the proxy's view of it. */
  clientAddress: string;
  addressFailures: FailureThrottle;
  streamSlots: StreamSlots;
  trace: RequestTrace;
  /** Set by the auth middleware once the credential is verified. */
  principal?: Principal;
}

export function createContextFactory(deps: ApiDeps) {
  const addressFailures = deps.addressFailures ?? createFailureThrottle(DEFAULT_ADDRESS_FAILURES);
  const streamSlots = deps.streamSlots ?? createStreamSlots(DEFAULT_STREAM_LIMITS);
  return (
    req: {
      headers: Record<string, string | string[] | undefined>;
      id?: string;
      /** The client's address (Fastify's `request.ip`, which honours its `trustProxy`). */
      ip?: string;
    },
    trace: RequestTrace = {},
  ): RequestContext => {
    const header = req.headers["authorization"];
    const requestId = req.id ?? globalThis.crypto.randomUUID();
    return {
      deps,
      authorization: Array.isArray(header) ? header[0] : header,
      requestId,
      log: deps.logger.child({ request_id: requestId }),
      clientAddress: addressKey(req.ip ?? "unknown"),
      addressFailures,
      streamSlots,
      trace,
    };
  };
}
