import { STATUS_CODES, type Server } from "node:http";
import type { Socket } from "node:net";
import { TRPCError } from "@trpc/server";
import type {
  FastifyError,
  FastifyHttpOptions,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from "fastify";
import { procedureMethods, RETRY_AFTER_SECONDS, transportError, type Logger } from "@platforma/api";
import type { ErrorReason } from "@platforma/contracts";

/*
 * Requests refused before a procedure runs — by the method and content-type gate in front of
 * tRPC, by Fastify (body too large, bad URL, no route) or by Node's HTTP parser (header limits,
 * malformed requests) — answer in the envelope of a procedure's errors, with `error.data.reason`.
 * A 500 means the server really failed.
 */

/** The reason for a status Fastify gives a request it refuses itself. */
const REASON_BY_STATUS: Partial<Record<number, ErrorReason>> = {
  400: "invalid_input",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  413: "payload_too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  429: "rate_limited",
  431: "headers_too_large",
};

type Failure = Parameters<typeof transportError>[0];

function send(reply: FastifyReply, failure: Failure, headers: Record<string, string> = {}, path?: string) {
  const { status, body } = transportError(failure, path);
  return reply.code(status).headers(headers).send(body);
}

/** Fixed texts where Fastify's would echo the request (a 6,000-character path) or say little. */
const MESSAGE_BY_REASON: Partial<Record<ErrorReason, string>> = {
  payload_too_large: "the request body is larger than the server accepts",
  uri_too_long: "the procedure path is longer than the server accepts",
  unsupported_media_type: "procedure input is sent as application/json",
  headers_too_large: "the request headers are larger than the server accepts",
  request_timeout: "the request did not arrive in time",
};

/** Fastify's other refusals keep their message; a failure of ours says nothing (the log has it). */
function failureOf(err: FastifyError | TRPCError): Failure {
  // tRPC's adapter throws before its handler runs for a URL it cannot parse (a bad Host header).
  if (err instanceof TRPCError) return err;
  const status = err.statusCode;
  if (status === undefined || status >= 500) return { reason: "internal", message: "internal error" };
  // Any other client error is the client's input; it keeps the status of its reason (400).
  const reason = REASON_BY_STATUS[status] ?? "invalid_input";
  return { reason, message: MESSAGE_BY_REASON[reason] ?? err.message };
}

const isJson = (contentType: string | undefined) =>
  contentType?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";

function refuseMethod(reply: FastifyReply, method: string, allowed: ReadonlySet<string>, path?: string) {
  const allow = [...allowed].join(", ");
  return send(
    reply,
    { reason: "method_not_allowed", message: `method ${method} is not allowed here; use ${allow}` },
    { allow },
    path,
  );
}

/**
 * In front of tRPC (an `onRequest` hook of its scope): a path that names no procedure is 404, a
 * method the procedure does not take 405 with `Allow` (queries `GET`/`HEAD`, mutations `POST`;
 * CORS preflights included — the API serves no browser origin), a body that is not JSON 415.
 * tRPC itself would answer some of these with a 500 (`TRACE` cannot become a fetch `Request`, a
 * multipart body is handed over as a stream it cannot read) and others without a reason.
 */
export async function procedureGate(request: FastifyRequest, reply: FastifyReply) {
  const path = (request.params as { path?: string }).path ?? "";
  const allowed = procedureMethods(path);
  if (allowed.size === 0) {
    return send(reply, { reason: "not_found", message: `no procedure found on path "${path}"` }, {}, path);
  }
  if (!allowed.has(request.method)) return refuseMethod(reply, request.method, allowed, path);
  const contentType = request.headers["content-type"];
  if ((request.method === "POST" || contentType !== undefined) && !isJson(contentType)) {
    const reason = "unsupported_media_type";
    return send(reply, { reason, message: MESSAGE_BY_REASON[reason] ?? reason }, {}, path);
  }
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/** Methods served on `url` by any route: a procedure path's, or a plain route's (`/healthz`). */
function methodsServedOn(app: FastifyInstance, url: string, trpcPrefix: string): ReadonlySet<string> {
  const pathname = url.split("?", 1)[0] ?? "";
  if (pathname.startsWith(`${trpcPrefix}/`)) {
    const rest = safeDecode(pathname.slice(trpcPrefix.length + 1));
    return rest === null || rest.includes("/") ? new Set() : procedureMethods(rest);
  }
  return new Set(ROUTE_METHODS.filter((method) => app.hasRoute({ method, url: pathname })));
}

/** Fastify server options: Node's and Fastify's own refusals in the API's envelope. */
export function httpErrorServerOptions(): Pick<
  FastifyHttpOptions<Server>,
  "frameworkErrors" | "clientErrorHandler" | "return503OnClosing" | "http"
> {
  return {
    // Node answers an HTTP/1.1 request without `Host` with a bare 400 before Fastify sees it; the
    // `onRequest` hook below refuses it instead.
    http: { requireHostHeader: false },
    // A bad percent-encoding (400) or a procedure path past `maxParamLength` (414).
    frameworkErrors: (err, _request, reply) => void send(reply, failureOf(err)),
    // Malformed HTTP, headers past Node's limit (the URL counts), a request that never completed.
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      if (err.code === "ECONNRESET" || socket.destroyed) return;
      const reason: ErrorReason =
        err.code === "HPE_HEADER_OVERFLOW"
          ? "headers_too_large"
          : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
            ? "request_timeout"
            : "invalid_input";
      const { status, body } = transportError({
        reason,
        message: MESSAGE_BY_REASON[reason] ?? "malformed HTTP request",
      });
      const text = JSON.stringify(body);
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
        );
      }
      socket.destroy(err);
    },
    // Answered by the `onRequest` hook below instead, with a reason and `Retry-After`.
    return503OnClosing: false,
  };
}

/**
 * Error and not-found handlers for the whole server, and the answer while it shuts down. Call
 * before registering routes: plugins take the handlers in force when they are registered.
 */
export function installHttpErrors(
  app: FastifyInstance,
  opts: { trpcPrefix: string; logger: Logger; closing: AbortSignal },
) {
  app.addHook("onRequest", async (request, reply) => {
    if (request.raw.httpVersion === "1.1" && request.headers.host === undefined) {
      return send(reply, { reason: "invalid_input", message: "an HTTP/1.1 request carries a Host header" });
    }
    if (!opts.closing.aborted) return;
    return send(
      reply,
      {
        reason: "unavailable",
        message: "the server is shutting down; retry shortly",
        details: { retryable: true },
      },
      { "retry-after": String(RETRY_AFTER_SECONDS), connection: "close" },
    );
  });
  app.setErrorHandler((err: FastifyError | TRPCError, request, reply) => {
    const { status, body } = transportError(failureOf(err));
    if (status >= 500)
      opts.logger.error({ err, request_id: request.id, method: request.method }, "request failed");
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const served = methodsServedOn(app, request.url, opts.trpcPrefix);
    if (served.size > 0) return refuseMethod(reply, request.method, served);
    return send(reply, { reason: "not_found", message: "no such route" });
  });
}
