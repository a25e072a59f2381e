import { tracked } from "@trpc/server";
import { z } from "zod";
import {
  cloudEventType,
  type CloudEventType,
  DomainError,
  EVENT_CATALOGUE,
  eventTypeOfCloudEvent,
  type EventType,
} from "@platforma/contracts";
import { streamTenantEvents } from "@platforma/domain";
import { mapError } from "../../errors.ts";
import { tenantProcedure } from "../../trpc.ts";
import { text } from "../../text-schema.ts";

const catalogueTypes = Object.keys(EVENT_CATALOGUE) as EventType[];
/** A catalogue type (`order.completed.v1`) or its CloudEvents `ce_type` (`dev.platforma.order.completed.v1`). */
const eventType = z.enum([...catalogueTypes, ...catalogueTypes.map(cloudEventType)] as [
  EventType | CloudEventType,
  ...(EventType | CloudEventType)[],
]);
const catalogueTypeOf = (type: EventType | CloudEventType): EventType =>
  eventTypeOfCloudEvent(type) ?? (type as EventType);

/**
 * The caller's own events, live, over SSE: `client.events.subscribe.subscribe({}, { onData })`.
 * Each event is `tracked` by its id, so a reconnecting client resumes after the last one it got
 * (tRPC sends it back as `lastEventId`). Read from the outbox under row-level security rather than
 * from Kafka: isolation is the database's (the query cannot see another tenant's rows), a resume
 * cursor is an event id (exact, no offsets), and the API holds no Kafka consumer per connection
 * reading other tenants' messages off shared partitions.
 */
export const subscribeEventsProcedure = tenantProcedure
  .meta({ scopes: ["events:read"] })
  .input(
    z
      .strictObject({
        lastEventId: text({ max: 64 }).nullish(),
        types: z.array(eventType).max(100).optional(),
      })
      .optional(),
  )
  .subscription(async function* ({ ctx, input, signal }) {
    const tenantId = ctx.tenant.id;
    // The credential: a JWT's subject, or an API key (whose principal is the key).
    const credential = `${ctx.principal?.via ?? "jwt"}:${ctx.tenantContext.userId}`;
    const signals = [signal, ctx.deps.closing].filter((s): s is AbortSignal => s !== undefined);
    const stream = streamTenantEvents(ctx.deps.db, tenantId, {
      lastEventId: input?.lastEventId,
      types: input?.types?.map(catalogueTypeOf),
      pollIntervalMs: ctx.deps.eventPollIntervalMs,
      signal: AbortSignal.any(signals),
      // A tenant suspended mid-stream loses the stream within the state cache's staleness.
      checkAccess: async () => {
        const tenant = await ctx.deps.tenantAccess.get(tenantId);
        if (!tenant) throw new DomainError("invalid_token", "unknown tenant");
        if (tenant.state !== "active") {
          const reason = `tenant_${tenant.state}` as const;
          throw new DomainError(reason, `tenant is ${tenant.state}`);
        }
      },
    });
    let release: (() => void) | undefined;
    try {
      release = ctx.streamSlots.acquire(tenantId, credential);
      for await (const event of stream) yield tracked(event.id, event);
    } catch (err) {
      // Errors thrown here bypass the middleware that maps domain errors and outages: map them here.
      throw mapError(err);
    } finally {
      release?.();
    }
    // The server is going away (not the stream's end): ending with an abort rather than tRPC's
    // `return` event makes the client reconnect (to another replica) with its lastEventId.
    if (ctx.deps.closing?.aborted) throw new DOMException("the server is shutting down", "AbortError");
  });
