import { describe, expect, it } from "vitest";
import type { LifecycleCommand, TransitionOutcome } from "@platforma/contracts/lifecycle";
import { archivePrefixAt, LifecycleState, PurgeTally } from "./lifecycle-state.ts";

const active = { state: "active" as const, stateVersion: 1, purgeAfter: null, purged: false };
const by = "usr_operator";
const outcome = (state: TransitionOutcome["state"], version: number, purgeAfter: string | null = null) => ({
  state,
  previousState: "active" as const,
  stateVersion: version,
  purgeAfter,
});

function applied(life: LifecycleState, command: LifecycleCommand, result: TransitionOutcome, drain = true) {
  const { archivePrefix } = life.begin(command, 1_000);
  life.applied(command, result, { archivePrefix, drain });
}

describe("the lifecycle state its workflow keeps", () => {
  it("refuses unknown commands as invalid input and disallowed ones as invalid transitions", () => {
    const life = new LifecycleState(active);
    expect(life.refusal({ transition: "explode" })).toMatchObject({ type: "invalid_input" });
    expect(life.refusal(null)).toMatchObject({ type: "invalid_input" });
    expect(life.refusal({ transition: "resume", requestedBy: by })).toEqual({
      type: "invalid_transition",
      message: "cannot resume a tenant that is active",
    });
    expect(life.refusal({ transition: "suspend", reason: "x", requestedBy: by })).toBeNull();
  });

  it("refuses a second transition while one runs, and anything after the purge", () => {
    const life = new LifecycleState(active);
    life.begin({ transition: "suspend", reason: "x", requestedBy: by }, 1_000);
    expect(life.refusal({ transition: "archive", requestedBy: by })?.message).toBe(
      "a suspend of this tenant is in progress",
    );
    life.failed();
    expect(life.refusal({ transition: "archive", requestedBy: by })).toBeNull();
    expect(
      new LifecycleState({ ...active, purged: true }).refusal({ transition: "restore", requestedBy: by }),
    ).toEqual({
      type: "invalid_transition",
      message: "the tenant was purged",
    });
  });

  it("keeps an archive running through its export, then idles", () => {
    const life = new LifecycleState(active);
    const command = { transition: "archive" as const, requestedBy: by };
    const { archivePrefix } = life.begin(command, Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(archivePrefix).toBe("archive/2026-01-02T03-04-05-006Z/");
    life.applied(command, outcome("archived", 2), { archivePrefix, drain: true });
    expect(life.running).toMatchObject({ transition: "archive", step: "export" });
    expect(life.hasWork()).toBe(true);
    expect(life.next()).toEqual({ kind: "finish-archive", prefix: archivePrefix });
    life.archiveFinished();
    expect(life.running).toBeNull();
    expect(life.next()).toEqual({ kind: "idle" });
  });

  it("drains a deletion in the background, leaving it cancellable, then waits for the retention", () => {
    const life = new LifecycleState(active);
    const due = "2027-03-01T00:00:00.000Z";
    applied(life, { transition: "requestDeletion", requestedBy: by }, outcome("deleted", 2, due));
    expect(life.running).toBeNull();
    expect(life.refusal({ transition: "cancelDeletion", requestedBy: by })).toBeNull();
    expect(life.next()).toEqual({ kind: "drain-deletion" });
    life.drained();
    expect(life.next()).toEqual({ kind: "await-retention", due: Date.parse(due) });
    expect(life.retentionWakes(Date.parse(due))).toBe(false);
  });

  it("does not drain a deletion applied before draining existed (an unpatched replay)", () => {
    const life = new LifecycleState(active);
    applied(
      life,
      { transition: "requestDeletion", requestedBy: by },
      outcome("deleted", 2, "2027-03-01T00:00:00Z"),
      false,
    );
    expect(life.next()).toMatchObject({ kind: "await-retention" });
  });

  it("lets a cancellation that arrives with the retention timer win over the purge", () => {
    const life = new LifecycleState(active);
    const due = "2027-03-01T00:00:00.000Z";
    applied(life, { transition: "requestDeletion", requestedBy: by }, outcome("deleted", 2, due), false);
    life.begin({ transition: "cancelDeletion", requestedBy: by }, 2_000);
    expect(life.retentionWakes(Date.parse(due))).toBe(true);
    expect(life.startPurge(3_000)).toBe(false);
    life.applied({ transition: "cancelDeletion", requestedBy: by }, outcome("active", 3), { drain: true });
    expect(life.next()).toEqual({ kind: "idle" });
  });

  it("purges once the retention passed, and is done after the tombstone", () => {
    const life = new LifecycleState({ ...active, state: "deleted", purgeAfter: 5_000, stateVersion: 2 });
    expect(life.startPurge(6_000)).toBe(true);
    expect(life.running).toMatchObject({ transition: "purge", step: "start" });
    expect(life.refusal({ transition: "cancelDeletion", requestedBy: by })?.type).toBe("invalid_transition");
    life.purgeFinished(true);
    expect(life.next()).toEqual({ kind: "done" });
    expect(life.status()).toMatchObject({ purged: true, running: null });
  });

  it("names archive prefixes sortably, without characters object stores treat specially", () => {
    expect(archivePrefixAt(0)).toBe("archive/1970-01-01T00-00-00-000Z/");
  });
});

describe("the purge's tally across passes", () => {
  it("counts what each pass deleted, and reports what is left per table", () => {
    const tally = new PurgeTally();
    expect(
      tally.pass(
        { rows: { orders: 5, users: 2 }, objects: 3 },
        { rows: { orders: 1, users: 0 }, objects: 0 },
      ),
    ).toBe(1);
    // A row that arrived between passes is counted when the next pass deletes it.
    expect(
      tally.pass(
        { rows: { orders: 2, users: 0 }, objects: 0 },
        { rows: { orders: 0, users: 0 }, objects: 0 },
      ),
    ).toBe(0);
    expect(tally.report({ rows: { orders: 0, users: 0 }, objects: 0 }, 7)).toEqual({
      allocationsReleased: 7,
      rows: { orders: { deleted: 6, remaining: 0 }, users: { deleted: 2, remaining: 0 } },
      objects: { deleted: 3, remaining: 0 },
    });
    expect(tally.totals()).toEqual({ rows: 8, objects: 3 });
  });
});
