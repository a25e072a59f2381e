import type { IncomingHttpHeaders } from "node:http";
import type { TRPCError } from "@trpc/server";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { attachRequestId, errorReasonOf, type Logger, type RequestTrace } from "@platforma/api";
import type { ErrorReason } from "@platforma/contracts";

export const REQUEST_ID_HEADER = "x-request-id";

/**
 * An incoming id is kept when it is visible ASCII (no spaces, no control characters: it goes into
 * log lines and response headers as is) and no longer than a W3C traceparent or a load balancer's
 * trace id needs; anything else is replaced, never trimmed into something else.
 */
const ACCEPTED_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's `x-request-id` when it is acceptable, a fresh UUID otherwise (Fastify's `genReqId`). */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const given = headers[REQUEST_ID_HEADER];
  return typeof given === "string" && ACCEPTED_REQUEST_ID.test(given)
    ? given
    : globalThis.crypto.randomUUID();
}

interface RequestRecord {
  trace: RequestTrace;
  reasons: ErrorReason[];
}

export interface RequestLog {
  /** What the request's tRPC context fills in (who called). */
  traceOf(req: FastifyRequest): RequestTrace;
  /** For the tRPC adapter's `onError`: remembers the reason, and ties the error to the request id. */
  onError(opts: { error: TRPCError; req: FastifyRequest }): void;
}

/** The procedure path(s) of a tRPC request (`a,b` for a batch), the URL path of anything else. */
function pathOf(req: FastifyRequest, trpcPrefix: string): string {
  const path = req.url.split("?", 1)[0] ?? req.url;
  return path.startsWith(`${trpcPrefix}/`) ? decodeURIComponent(path.slice(trpcPrefix.length + 1)) : path;
}

/**
 * Request ids and the access log: every response carries `x-request-id`, and every request ends
 * in one `request` log line with its method, procedure path, status, reason(s), duration, caller
 * and request id.
 */
export function installRequestLog(
  app: FastifyInstance,
  opts: { logger: Logger; trpcPrefix: string },
): RequestLog {
  const records = new WeakMap<FastifyRequest, RequestRecord>();
  const recordOf = (req: FastifyRequest): RequestRecord => {
    let record = records.get(req);
    if (!record) {
      record = { trace: {}, reasons: [] };
      records.set(req, record);
    }
    return record;
  };

  // Set before anything can answer, so errors, 404s and streams carry it too.
  app.addHook("onRequest", async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    const { trace, reasons } = recordOf(req);
    let path: string;
    try {
      path = pathOf(req, opts.trpcPrefix);
    } catch {
      path = req.url;
    }
    opts.logger.info(
      {
        request_id: req.id,
        method: req.method,
        path,
        status: reply.statusCode,
        ...(reasons.length > 0 ? { reason: [...new Set(reasons)].join(",") } : {}),
        duration_ms: Math.round(reply.elapsedTime),
        ...(trace.tenantId ? { tenant_id: trace.tenantId } : {}),
        ...(trace.userId ? { user_id: trace.userId } : {}),
      },
      "request",
    );
  });

  return {
    traceOf: (req) => recordOf(req).trace,
    onError: ({ error, req }) => {
      recordOf(req).reasons.push(errorReasonOf(error));
      attachRequestId(error, req.id);
    },
  };
}
