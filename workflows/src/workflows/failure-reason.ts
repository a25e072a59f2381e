import { ActivityFailure, ApplicationFailure, isCancellation } from "@temporalio/workflow";

/** The reason recorded on a failed order: the domain error's reason when an activity carried one. */
export function failureReason(
  err: unknown,
  fallback = "provisioning_failed",
): { reason: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { reason: cause.type ?? fallback, message: cause.message };
  return { reason: fallback, message: err instanceof Error ? err.message : String(err) };
}

/** Why an order workflow ends its order early: `cancelled` when it was cancelled, else the failure's reason. */
export function endReason(err: unknown): { reason: string; message: string } {
  if (isCancellation(err)) return { reason: "cancelled", message: "the order was cancelled" };
  return failureReason(err);
}
