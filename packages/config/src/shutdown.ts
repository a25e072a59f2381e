import { z } from "zod";

/** What the shutdown sequence logs through: the process logger (pino), or anything shaped like it. */
export interface ShutdownLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface GracefulShutdownOptions {
  /** How long in-flight work may take to finish after the signal before it is cut off. */
  graceMs: number;
  logger: ShutdownLogger;
  /** Stops taking work and resolves once what was in flight has finished (or was cut off). */
  drain: () => Promise<void>;
  /** The grace ran out: end whatever is still in flight, so that `drain` can settle. */
  cutOff: () => void | Promise<void>;
  /** After the drain: pools, connections, files. */
  close?: () => Promise<void>;
  /**
   * How long `drain` may still take after the cut-off, and `close` after that, before the process
   * exits 1 anyway: a stuck socket or driver must not keep a replica alive past its deadline.
   */
  closeTimeoutMs?: number;
  signals?: readonly NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * `SHUTDOWN_GRACE_MS`, one meaning in every process. 20 s leaves room inside Kubernetes' default
 * 30 s termination grace for the cut-off and the close.
 */
export const shutdownGraceField = z.coerce.number().int().min(0).max(600_000).default(20_000);

function withTimeout(work: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * On the first signal: drain for at most `graceMs`, cut off what is left, close, exit 0. A second
 * signal cuts off at once (Ctrl-C twice). Exits 1 when a step throws or overruns its deadline.
 * Returns the sequence, for processes that also stop on their own (the Temporal worker).
 */
export function installGracefulShutdown(opts: GracefulShutdownOptions): (reason: string) => Promise<void> {
  const { graceMs, logger, closeTimeoutMs = 5000, exit = (code) => process.exit(code) } = opts;
  const signals = opts.signals ?? ["SIGTERM", "SIGINT"];
  let running: Promise<void> | undefined;
  let cutOffDone = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const cutOff = async (why: string) => {
    if (cutOffDone) return;
    cutOffDone = true;
    clearTimeout(graceTimer);
    logger.warn({ why, grace_ms: graceMs }, "closing what is still in flight");
    await opts.cutOff();
  };

  const sequence = async (reason: string) => {
    logger.info({ reason, grace_ms: graceMs }, "shutting down");
    try {
      const drained = opts.drain();
      const graceOver = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, graceMs);
      });
      await Promise.race([drained, graceOver.then(() => cutOff("grace period over"))]);
      clearTimeout(graceTimer);
      await withTimeout(drained, closeTimeoutMs, "drain after the cut-off");
      if (opts.close) await withTimeout(opts.close(), closeTimeoutMs, "close");
      logger.info({ reason }, "stopped");
      exit(0);
    } catch (err) {
      logger.error({ err }, "shutdown did not complete");
      exit(1);
    }
  };

  const start = (reason: string): Promise<void> => {
    if (running) {
      void cutOff(`second ${reason}`).catch((err: unknown) => logger.error({ err }, "cut-off failed"));
      return running;
    }
    running = sequence(reason);
    return running;
  };
  for (const signal of signals) process.on(signal, () => void start(signal));
  return start;
}
