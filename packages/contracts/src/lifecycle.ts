import type { TenantId } from "./ids.ts";
import type { TenantState } from "./tenant.ts";

/**
 * Tenant lifecycle: the transitions operators drive and the rules that make them valid. Pure, so
 * the lifecycle workflow's update validator and the database activity apply the same table.
 */
export const LIFECYCLE_TRANSITIONS = {
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  archive: { from: ["active", "suspended"], to: "archived" },
  restore: { from: ["archived"], to: "active" },
  requestDeletion: { from: ["active", "suspended", "archived"], to: "deleted" },
  // Goes back to the state the deletion was requested from (previous_state).
  cancelDeletion: { from: ["deleted"], to: null },
} as const satisfies Record<string, { from: readonly TenantState[]; to: TenantState | null }>;

export type LifecycleTransition = keyof typeof LIFECYCLE_TRANSITIONS;
export const LIFECYCLE_TRANSITION_NAMES = Object.keys(LIFECYCLE_TRANSITIONS) as LifecycleTransition[];

/** Platform default for how long a deleted tenant's data is kept before the purge (DESIGN §8). */
export const DEFAULT_RETENTION_DAYS = 90;
/** Upper bound of a retention override: ten years. */
export const MAX_RETENTION_DAYS = 3650;

/** What an operator asks the lifecycle workflow to do. */
export type LifecycleCommand =
  | { transition: "suspend"; reason: string; requestedBy: string }
  | { transition: "resume"; requestedBy: string }
  | { transition: "archive"; reason?: string | undefined; requestedBy: string }
  | { transition: "restore"; requestedBy: string }
  | {
      transition: "requestDeletion";
      reason?: string | undefined;
      /** Overrides the platform default for this tenant. */
      retentionDays?: number | undefined;
      requestedBy: string;
    }
  | { transition: "cancelDeletion"; requestedBy: string };

/** The lifecycle state as the workflow tracks it (the tenants row is the source of truth). */
export interface LifecycleSnapshot {
  state: TenantState;
  stateVersion: number;
  /** Epoch milliseconds; set while a deletion is pending. */
  purgeAfter: number | null;
  purged: boolean;
}

export interface RunningTransition {
  transition: LifecycleTransition | "purge";
  /** Epoch milliseconds (workflow time). */
  startedAt: number;
  /** The step the transition is at, e.g. `export`, `release-compute`, `delete-rows`. */
  step: string;
}

export interface LifecycleStatus extends LifecycleSnapshot {
  running: RunningTransition | null;
}

export interface TenantLifecycleInput {
  tenantId: TenantId;
  snapshot: LifecycleSnapshot;
  /** Continue-as-new once the history has this many events (tests lower it). */
  historyLimit?: number;
}

export interface TransitionOutcome {
  state: TenantState;
  previousState: TenantState;
  stateVersion: number;
  /** ISO time; set when a deletion is pending. */
  purgeAfter: string | null;
}

/** Why a transition from `current` is not allowed, or null if it is. */
export function transitionRefusal(transition: LifecycleTransition, current: TenantState): string | null {
  const rule = LIFECYCLE_TRANSITIONS[transition];
  return (rule.from as readonly TenantState[]).includes(current)
    ? null
    : `cannot ${transition} a tenant that is ${current}`;
}
