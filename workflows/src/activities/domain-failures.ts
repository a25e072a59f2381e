import { ApplicationFailure } from "@temporalio/common";
import { DomainError } from "@platforma/contracts";

/**
 * A domain failure is not fixed by retrying: surface it as a non-retryable failure whose type is
 * the error reason, so the workflow can record it on the order.
 */
export async function domainFailuresAreFinal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: err.reason,
        nonRetryable: true,
        cause: err,
      });
    }
    throw err;
  }
}
