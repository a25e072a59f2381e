import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from "@temporalio/client";
import type { Workflow } from "@temporalio/common";
import {
  ApplicationFailure,
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
} from "@temporalio/common";
import {
  DomainError,
  ERROR_REASONS,
  SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  TENANT_LIFECYCLE_MESSAGES,
  WORKFLOW_NAMES,
  workflowIds,
  type ErrorReason,
  type LifecycleCommand,
  type LifecycleSnapshot,
  type LifecycleStatus,
  type TenantId,
  type TenantLifecycleInput,
  type TransitionOutcome,
} from "@platforma/contracts";

/** What the API needs from the tenant lifecycle workflow. A port, so the API never imports a worker. */
export interface TenantLifecycleClient {
  /**
   * Runs a transition through the tenant's workflow (started if it is not running) and resolves
   * once the new state is committed. Refusals come back as `DomainError`s.
   */
  transition(
    tenantId: TenantId,
    snapshot: LifecycleSnapshot,
    command: LifecycleCommand,
  ): Promise<TransitionOutcome>;
  /** The workflow's view, including the transition in progress; null if it never ran. */
  status(tenantId: TenantId): Promise<LifecycleStatus | null>;
}

/** The memo key under which the lifecycle workflow publishes its status (readable without a worker). */
export const LIFECYCLE_MEMO_KEY = "lifecycle";

const TenantIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenantId, SearchAttributeType.KEYWORD);

function isErrorReason(value: unknown): value is ErrorReason {
  return typeof value === "string" && Object.hasOwn(ERROR_REASONS, value);
}

/** An update refused by the validator, or failed by a domain error in an activity, keeps its reason. */
function toDomainError(err: unknown): unknown {
  if (!(err instanceof WorkflowUpdateFailedError)) return err;
  let cause: unknown = err.cause;
  // An activity's failure arrives wrapped: update failure → application failure → activity → …
  for (let depth = 0; cause instanceof Error && depth < 4; depth++) {
    if (cause instanceof ApplicationFailure && isErrorReason(cause.type)) {
      const details = cause.details?.[0];
      return new DomainError(
        cause.type,
        cause.message,
        details && typeof details === "object" ? (details as Record<string, unknown>) : {},
        { cause: err },
      );
    }
    cause = cause.cause;
  }
  return err;
}

export function createTenantLifecycleClient(
  client: Client,
  opts: { taskQueue?: string; historyLimit?: number } = {},
): TenantLifecycleClient {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  return {
    async transition(tenantId, snapshot, command) {
      const input: TenantLifecycleInput = {
        tenantId,
        snapshot,
        ...(opts.historyLimit ? { historyLimit: opts.historyLimit } : {}),
      };
      // One long-lived workflow per tenant: started by the first transition, reused after that.
      // The snapshot only matters when this call starts it; a running workflow has its own state.
      const startWorkflowOperation = new WithStartWorkflowOperation(WORKFLOW_NAMES.tenantLifecycle, {
        workflowId: workflowIds.tenant(tenantId),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: "USE_EXISTING",
        typedSearchAttributes: new TypedSearchAttributes([{ key: TenantIdKey, value: tenantId }]),
        staticSummary: `Lifecycle of ${tenantId}`,
      });
      try {
        return await client.workflow.executeUpdateWithStart<Workflow, TransitionOutcome, [LifecycleCommand]>(
          TENANT_LIFECYCLE_MESSAGES.transition,
          { args: [command], startWorkflowOperation },
        );
      } catch (err) {
        throw toDomainError(err);
      }
    },
    async status(tenantId) {
      try {
        const described = await client.workflow.getHandle(workflowIds.tenant(tenantId)).describe();
        const status = described.memo?.[LIFECYCLE_MEMO_KEY];
        return status && typeof status === "object" ? (status as LifecycleStatus) : null;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }
    },
  };
}
