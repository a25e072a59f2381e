import { describe, expect, it } from "vitest";
import { createFailureThrottle } from "./failure-throttle.ts";

describe("failure throttle", () => {
  it("lets a key fail up to its limit, then asks it to wait for the rest of the window", async () => {
    const throttle = createFailureThrottle({ maxFailures: 3, windowSeconds: 60 });
    const crossed: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await throttle.retryAfterMs("k")).toBeNull();
      crossed.push(await throttle.recordFailure("k"));
    }
    expect(crossed).toEqual([false, false, true]);
    const wait = await throttle.retryAfterMs("k");
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    // More failures while throttled neither log again nor stretch the window.
    expect(await throttle.recordFailure("k")).toBe(false);
    expect(await throttle.retryAfterMs("k")).toBeLessThanOrEqual(wait ?? 0);
  });

  it("counts each key on its own", async () => {
    const throttle = createFailureThrottle({ maxFailures: 1, windowSeconds: 60 });
    await throttle.recordFailure("a");
    expect(await throttle.retryAfterMs("a")).not.toBeNull();
    expect(await throttle.retryAfterMs("b")).toBeNull();
  });

  it("forgets a key's failures when its window ends", async () => {
    const throttle = createFailureThrottle({ maxFailures: 1, windowSeconds: 1 });
    await throttle.recordFailure("a");
    expect(await throttle.retryAfterMs("a")).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await throttle.retryAfterMs("a")).toBeNull();
  });
});
