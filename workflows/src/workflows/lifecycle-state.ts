import {
  LIFECYCLE_TRANSITIONS,
  transitionRefusal,
  type LifecycleCommand,
  type LifecycleSnapshot,
  type LifecycleStatus,
  type RunningTransition,
  type TransitionOutcome,
} from "@platforma/contracts/lifecycle";

/** `archive/<UTC time>/`: sortable, and free of characters object stores treat specially. */
export const archivePrefixAt = (ms: number) => `archive/${new Date(ms).toISOString().replace(/[:.]/g, "-")}/`;

export type Refusal = { type: "invalid_input" | "invalid_transition"; message: string };

/** What the lifecycle workflow's main loop does next. */
export type NextWork =
  | { kind: "drain-deletion" }
  | { kind: "finish-archive"; prefix: string }
  | { kind: "done" }
  /** Nothing due: wait for a transition (or a reason to continue as new). */
  | { kind: "idle" }
  | { kind: "await-retention"; due: number };

/**
 * The state of one tenant's lifecycle, as its workflow keeps it: the committed snapshot, the
 * transition in progress, and the work a committed transition left to do. Plain and deterministic
 * (no Temporal): the workflow is a thin loop over it, and it is unit-tested on its own.
 */
export class LifecycleState {
  snapshot: LifecycleSnapshot;
  running: RunningTransition | null = null;
  /** An archive whose export and compute release are still to run. */
  private archiveTo: string | null = null;
  /** A deletion whose drain of the tenant's orders is still to run (in the background). */
  private drainPending = false;

  constructor(snapshot: LifecycleSnapshot) {
    this.snapshot = { ...snapshot };
  }

  status(): LifecycleStatus {
    return { ...this.snapshot, running: this.running };
  }

  /** Why `command` cannot run now (checked by the update's validator), or null. */
  refusal(command: unknown): Refusal | null {
    if (
      !command ||
      typeof command !== "object" ||
      !Object.hasOwn(LIFECYCLE_TRANSITIONS, (command as LifecycleCommand).transition)
    ) {
      return { type: "invalid_input", message: "unknown transition" };
    }
    const { transition } = command as LifecycleCommand;
    if (this.snapshot.purged) return { type: "invalid_transition", message: "the tenant was purged" };
    if (this.running) {
      return {
        type: "invalid_transition",
        message: `a ${this.running.transition} of this tenant is in progress`,
      };
    }
    const refusal = transitionRefusal(transition, this.snapshot.state);
    return refusal ? { type: "invalid_transition", message: refusal } : null;
  }

  /** A transition starts (at `at`, workflow time); an archive names where its export goes. */
  begin(command: LifecycleCommand, at: number): { archivePrefix?: string } {
    this.running = { transition: command.transition, startedAt: at, step: "apply" };
    return command.transition === "archive" ? { archivePrefix: archivePrefixAt(at) } : {};
  }

  /**
   * The transition committed. An archive keeps running (export, release); a deletion drains the
   * tenant's orders in the background when `drain` is on, so it stays cancellable meanwhile.
   */
  applied(
    command: LifecycleCommand,
    outcome: TransitionOutcome,
    follow: { archivePrefix?: string | undefined; drain: boolean },
  ): void {
    this.snapshot = {
      state: outcome.state,
      stateVersion: outcome.stateVersion,
      purgeAfter: outcome.purgeAfter ? Date.parse(outcome.purgeAfter) : null,
      purged: false,
    };
    if (follow.archivePrefix && this.running) {
      this.archiveTo = follow.archivePrefix;
      this.running = { ...this.running, step: "export" };
      return;
    }
    if (command.transition === "requestDeletion" && follow.drain) this.drainPending = true;
    this.running = null;
  }

  /** The transition did not commit: the lifecycle takes the next one. */
  failed(): void {
    this.running = null;
  }

  step(name: string): void {
    if (this.running) this.running = { ...this.running, step: name };
  }

  /** The main loop may act: nothing is running, or a committed transition left work to do. */
  hasWork(): boolean {
    return this.running === null || this.archiveTo !== null || this.drainPending;
  }

  next(): NextWork {
    if (this.drainPending) return { kind: "drain-deletion" };
    if (this.archiveTo !== null) return { kind: "finish-archive", prefix: this.archiveTo };
    if (this.snapshot.purged) return { kind: "done" };
    const due = this.snapshot.state === "deleted" ? this.snapshot.purgeAfter : null;
    return due === null ? { kind: "idle" } : { kind: "await-retention", due };
  }

  /** The drain after a deletion ran (or failed and was reported). */
  drained(): void {
    this.drainPending = false;
    this.running = null;
  }

  /** The archive's export and release ran (or failed and were reported). */
  archiveFinished(): void {
    this.archiveTo = null;
    this.running = null;
  }

  /** While idle: something arrived that the loop must look at. */
  idleWakes(): boolean {
    return this.running !== null || (this.snapshot.state === "deleted" && this.snapshot.purgeAfter !== null);
  }

  /** While waiting for the retention: a transition arrived, or the deletion changed or was cancelled. */
  retentionWakes(due: number): boolean {
    return this.running !== null || this.snapshot.state !== "deleted" || this.snapshot.purgeAfter !== due;
  }

  /**
   * The retention passed: the purge may start, unless a transition accepted in the same
   * activation as the timer (a cancellation) is already running, which wins.
   */
  startPurge(at: number): boolean {
    if (this.running !== null || this.snapshot.state !== "deleted") return false;
    this.running = { transition: "purge", startedAt: at, step: "start" };
    return true;
  }

  purgeFinished(purged: boolean): void {
    if (purged) this.snapshot = { ...this.snapshot, purged: true };
    this.running = null;
  }
}

export interface PurgeInventory {
  rows: Record<string, number>;
  objects: number;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The purge's counts across passes. Deleted counts are what a pass found before deleting minus
 * what it found after, both recorded in the history, so they stay exact when a step is interrupted
 * and retried on another worker.
 */
export class PurgeTally {
  private readonly deletedRows: Record<string, number> = {};
  private deletedObjects = 0;

  /** Records one pass; returns how many rows and objects are left. */
  pass(found: PurgeInventory, left: PurgeInventory): number {
    for (const [table, n] of Object.entries(found.rows)) {
      this.deletedRows[table] = (this.deletedRows[table] ?? 0) + Math.max(n - (left.rows[table] ?? 0), 0);
    }
    this.deletedObjects += Math.max(found.objects - left.objects, 0);
    return sum(Object.values(left.rows)) + left.objects;
  }

  report(left: PurgeInventory, allocationsReleased: number) {
    return {
      allocationsReleased,
      rows: Object.fromEntries(
        Object.entries(left.rows).map(([table, n]) => [
          table,
          { deleted: this.deletedRows[table] ?? 0, remaining: n },
        ]),
      ),
      objects: { deleted: this.deletedObjects, remaining: left.objects },
    };
  }

  totals(): { rows: number; objects: number } {
    return { rows: sum(Object.values(this.deletedRows)), objects: this.deletedObjects };
  }
}
