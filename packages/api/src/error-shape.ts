import type { TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODE_NUMBER } from "@trpc/server/rpc";
import type { Dependency, ErrorReason, QuotaViolation } from "@platforma/contracts";

/** One rejected input field, as `error.data.issues` lists it. */
export interface InputIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** The stable error contract, `error.data`: `reason` plus details such as `violations` or `issues`. */
export interface ApiErrorData {
  reason: ErrorReason;
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  /** The procedure's path, when the failure belongs to one. */
  path?: string;
  violations?: QuotaViolation[];
  issues?: InputIssue[];
  /** On `unavailable` (503): the dependency that was away; retry after the `Retry-After` header. */
  dependency?: Dependency;
  retryable?: boolean;
  /** The request's id (the `x-request-id` sent, or one the API made): quote it when reporting a failure. */
  requestId?: string;
  [key: string]: unknown;
}

/** What the error formatter answers with, and so what a client's `TRPCClientError` carries. */
export interface ApiErrorShape {
  message: string;
  code: TRPC_ERROR_CODE_NUMBER;
  data: ApiErrorData;
}
