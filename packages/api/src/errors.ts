import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { DomainError, ERROR_REASONS, type ErrorReason } from "@platforma/contracts";

const CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  500: "INTERNAL_SERVER_ERROR",
};

export function trpcCodeFor(reason: ErrorReason): TRPC_ERROR_CODE_KEY {
  return CODE_BY_STATUS[ERROR_REASONS[reason]] ?? "INTERNAL_SERVER_ERROR";
}

/** Wraps a domain error so tRPC answers with its status; the DomainError stays the cause. */
export function toTrpcError(err: DomainError): TRPCError {
  return new TRPCError({ code: trpcCodeFor(err.reason), message: err.message, cause: err });
}

/** Reason for errors tRPC raises itself (bad JSON, unknown procedure, input validation). */
const REASON_BY_CODE: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorReason>> = {
  PARSE_ERROR: "invalid_input",
  BAD_REQUEST: "invalid_input",
  METHOD_NOT_SUPPORTED: "invalid_input",
  PAYLOAD_TOO_LARGE: "invalid_input",
  UNPROCESSABLE_CONTENT: "invalid_input",
  NOT_FOUND: "not_found",
  UNAUTHORIZED: "invalid_token",
};

export interface InputIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}

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
  if (cause instanceof DomainError) return { ...cause.details, reason: cause.reason };
  const issues = issuesOf(cause);
  if (issues) return { reason: "invalid_input", issues };
  return { reason: REASON_BY_CODE[error.code] ?? "internal" };
}
