import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
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
  tenantPriority,
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

export interface TenantLifecycleClientOptions {
  taskQueue?: string;
  historyLimit?: number;
  /**
   * Deadline of a call that only needs Temporal to answer: reading the status, and a transition
   * being accepted (or refused) by the tenant's workflow. Without one, the client's own retries
   * hold a call about 20 s while Temporal is unreachable; with it, the call fails with
   * DEADLINE_EXCEEDED, which the API answers as 503 `unavailable`. Acceptance needs a worker to
   * run the workflow's task, so no worker polling the task queue fails the same way. Default 5 s.
   */
  rpcTimeoutMs?: number;
  /** Deadline for an accepted transition to be committed by the workflow. Default 30 s. */
  transitionTimeoutMs?: number;
}

export function createTenantLifecycleClient(
  client: Client,
  opts: TenantLifecycleClientOptions = {},
): TenantLifecycleClient {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  const rpcTimeoutMs = opts.rpcTimeoutMs ?? 5000;
  const transitionTimeoutMs = opts.transitionTimeoutMs ?? 30_000;
  const within = <T>(ms: number, fn: () => Promise<T>) => client.withDeadline(Date.now() + ms, fn);
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
        priority: tenantPriority(tenantId, "lifecycle"),
      });
      try {
        // Two deadlines: reaching Temporal (and the workflow accepting the command) is quick, or
        // Temporal is away; committing the transition may take its activity's retries.
        const update = await within(rpcTimeoutMs, () =>
          client.workflow.startUpdateWithStart<Workflow, TransitionOutcome, [LifecycleCommand]>(
            TENANT_LIFECYCLE_MESSAGES.transition,
            { args: [command], startWorkflowOperation, waitForStage: WorkflowUpdateStage.ACCEPTED },
          ),
        );
        return await within(transitionTimeoutMs, () => update.result());
      } catch (err) {
        throw toDomainError(err);
      }
    },
    async status(tenantId) {
      try {
        const handle = client.workflow.getHandle(workflowIds.tenant(tenantId));
        const described = await within(rpcTimeoutMs, () => handle.describe());
        const status = described.memo?.[LIFECYCLE_MEMO_KEY];
        return status && typeof status === "object" ? (status as LifecycleStatus) : null;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }
    },
  };
}
