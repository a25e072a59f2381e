import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

const options = { initialMs: 200, maxMs: 1000 };

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the ceiling, and stays there", () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 10, 50].map((n) => backoffDelay(n, options, noJitter))).toEqual([
      200, 400, 800, 1000, 1000, 1000, 1000,
    ]);
  });

  it("takes a random part off, never going over the ceiling", () => {
    expect(backoffDelay(10, options, () => 1)).toBe(500);
    expect(backoffDelay(10, { ...options, jitter: 1 }, () => 1)).toBe(0);
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(1 + (i % 20), options);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it("does not overflow after a very long outage", () => {
    expect(backoffDelay(100_000, options, () => 0)).toBe(1000);
  });
});
