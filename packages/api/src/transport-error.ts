import { getErrorShape, TRPCError } from "@trpc/server";
import { DomainError, type ErrorDetails, type ErrorReason } from "@platforma/contracts";
import { toTrpcError } from "./errors.ts";
import { appRouter } from "./routers/app-router.ts";

/** What a client receives for an error: the envelope tRPC sends, produced by the same formatter. */
export interface TransportError {
  status: number;
  body: { error: ReturnType<typeof shapeOf> };
}

function shapeOf(error: TRPCError, path: string | undefined) {
  return getErrorShape({
    config: appRouter._def._config,
    error,
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
}

/**
 * An error the HTTP host answers itself — an unknown route, a method or content type no
 * procedure takes, a body too large, malformed HTTP — in the envelope and through the formatter
 * of a procedure's errors, so a client reads every error one way (`error.data.reason`).
 */
export function transportError(
  failure: TRPCError | { reason: ErrorReason; message: string; details?: ErrorDetails },
  path?: string,
): TransportError {
  const error =
    failure instanceof TRPCError
      ? failure
      : toTrpcError(new DomainError(failure.reason, failure.message, failure.details));
  const shape = shapeOf(error, path);
  return { status: shape.data.httpStatus, body: { error: shape } };
}
