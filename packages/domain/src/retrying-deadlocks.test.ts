import { describe, expect, it } from "vitest";
import { retryingDeadlocks } from "./retrying-deadlocks.ts";

const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });

describe("retryingDeadlocks", () => {
  it("runs again after a deadlock, and only then", async () => {
    let runs = 0;
    await expect(retryingDeadlocks(async () => (++runs < 2 ? Promise.reject(deadlock) : "ok"))).resolves.toBe(
      "ok",
    );
    expect(runs).toBe(2);

    runs = 0;
    const other = Object.assign(new Error("unique"), { code: "23505" });
    await expect(retryingDeadlocks(async () => (runs++, Promise.reject(other)))).rejects.toBe(other);
    expect(runs).toBe(1);
  });

  it("gives up after the last attempt", async () => {
    let runs = 0;
    await expect(retryingDeadlocks(async () => (runs++, Promise.reject(deadlock)), 3)).rejects.toBe(deadlock);
    expect(runs).toBe(3);
  });
});
