import { RateLimiterMemory } from "rate-limiter-flexible";

export interface FailureThrottleOptions {
  /** Failures a key may have in one window; the next attempt waits for the window to end. */
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Counts refused credentials per key (a client address, an API-key id) in a fixed window that
 * starts at the key's first failure. Successes are never counted.
 *
 * Per process, in memory: with N API processes an attacker gets at most N times the limit,
 * which is enough for what this is for — keeping refusals from being a free oracle and a log
 * flood (secrets are 256 random bits: guessing is hopeless either way) — while a shared counter
 * would turn every refused request into a database write, the amplification we are avoiding.
 * Keys expire with their window, so memory is bounded by the failures one window can hold.
 */
export interface FailureThrottle {
  /** Milliseconds until `key` may try again, or null while it is under its limit. */
  retryAfterMs(key: string): Promise<number | null>;
  /** Counts a failure for `key`; true for the one that reaches the limit (to log it once). */
  recordFailure(key: string): Promise<boolean>;
}

export function createFailureThrottle(opts: FailureThrottleOptions): FailureThrottle {
  const limiter = new RateLimiterMemory({ points: opts.maxFailures, duration: opts.windowSeconds });
  return {
    async retryAfterMs(key) {
      const res = await limiter.get(key);
      // At least 1 ms: a window about to end still refuses this attempt.
      return res && res.consumedPoints >= opts.maxFailures ? Math.max(res.msBeforeNext, 1) : null;
    },
    async recordFailure(key) {
      const res = await limiter.penalty(key, 1);
      return res.consumedPoints === opts.maxFailures;
    },
  };
}

/** Defaults for the API: a client address is shared (NAT, proxies), a key id is not. */
export const DEFAULT_ADDRESS_FAILURES: FailureThrottleOptions = { maxFailures: 50, windowSeconds: 60 };
export const DEFAULT_API_KEY_FAILURES: FailureThrottleOptions = { maxFailures: 10, windowSeconds: 60 };
