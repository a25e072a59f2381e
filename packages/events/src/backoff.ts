export interface BackoffOptions {
  /** Delay after the first failure, before jitter. */
  initialMs: number;
  /** Ceiling of the delay, however many failures came before. */
  maxMs: number;
  /** Fraction of the delay taken off at random (0: none, 1: anywhere down to zero). Default 0.5. */
  jitter?: number;
}

/**
 * Delay before the retry after the `failures`-th failure in a row: doubling from `initialMs`, at
 * most `maxMs`, less a random part (`jitter`) so that processes failing together do not retry in
 * step. Never more than `maxMs`: the ceiling is how long a loop can take to notice its
 * dependency is back.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { initialMs, maxMs, jitter = 0.5 } = options;
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (1 - jitter * random()));
}
