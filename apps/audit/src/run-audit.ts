import { createEventConsumer, type EventConsumer, type Logger } from "@platforma/events";
import { auditKey, auditRecord } from "./audit-record.ts";
import type { TenantObjectStore } from "@platforma/storage";

export interface AuditOptions {
  brokers: readonly string[];
  groupId: string;
  /** Tenant-prefixed object storage; a put of an existing key replaces it, so a redelivery is harmless. */
  store: Pick<TenantObjectStore, "put">;
  logger: Logger;
}

/**
 * The audit trail: every catalogued event, one object per event id under its tenant's prefix. A
 * put that fails is retried by the consumer (the offset is not committed until it succeeds); a
 * redelivery rewrites the same object; an invalid message is logged and skipped.
 */
export function runAudit(options: AuditOptions): EventConsumer {
  const { logger } = options;
  return createEventConsumer({
    brokers: options.brokers,
    groupId: options.groupId,
    clientId: "platforma-audit",
    logger,
    handler: async (event) => {
      await options.store.put(event.tenantId, auditKey(event), auditRecord(event), "application/json");
    },
    onInvalid: (error) => {
      logger.warn(
        {
          err: error,
          reason: error.reason,
          event_id: error.eventId,
          ...error.at,
          offset: String(error.at.offset),
        },
        "skipped a message that is not a catalogued event",
      );
    },
    onError: (error, event) => {
      logger.error(
        { err: error, event_id: event?.id, tenant_id: event?.tenantId },
        "audit write failed; retrying",
      );
    },
  });
}
