import { ActivityFailure, ApplicationFailure } from "@temporalio/workflow";

/** The reason recorded on a failed order: the domain error's reason when an activity carried one. */
export function failureReason(err: unknown): { reason: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return { reason: cause.type ?? "provisioning_failed", message: cause.message };
  return { reason: "provisioning_failed", message: err instanceof Error ? err.message : String(err) };
}
