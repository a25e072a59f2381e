import { describe, expect, it } from "vitest";
import { installGracefulShutdown, type ShutdownLogger } from "./shutdown.ts";

const quiet: ShutdownLogger = { info: () => {}, warn: () => {}, error: () => {} };

function harness(drain: (cutOff: Promise<void>) => Promise<void>, closeTimeoutMs = 1000, graceMs = 20) {
  const steps: string[] = [];
  let signalCutOff = () => {};
  const cutOffCalled = new Promise<void>((resolve) => (signalCutOff = resolve));
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  const start = installGracefulShutdown({
    graceMs,
    closeTimeoutMs,
    logger: quiet,
    signals: [],
    drain: async () => {
      steps.push("drain");
      await drain(cutOffCalled);
      steps.push("drained");
    },
    cutOff: () => {
      steps.push("cut off");
      signalCutOff();
    },
    close: async () => void steps.push("close"),
    exit: (code) => exited(code),
  });
  return { start, steps, exitCode };
}

describe("graceful shutdown", () => {
  it("drains, closes and exits 0 when the work finishes within the grace", async () => {
    const { start, steps, exitCode } = harness(async () => {});
    void start("SIGTERM");
    expect(await exitCode).toBe(0);
    expect(steps).toEqual(["drain", "drained", "close"]);
  });

  it("cuts off what is still in flight when the grace runs out, then closes and exits 0", async () => {
    const { start, steps, exitCode } = harness((cutOff) => cutOff);
    void start("SIGTERM");
    expect(await exitCode).toBe(0);
    expect(steps).toEqual(["drain", "cut off", "drained", "close"]);
  });

  it("exits 1 when the drain does not settle even after the cut-off", async () => {
    const { start, steps, exitCode } = harness(() => new Promise<void>(() => {}), 20);
    void start("SIGTERM");
    expect(await exitCode).toBe(1);
    expect(steps).toEqual(["drain", "cut off"]);
  });

  it("cuts off at once on a second signal, without waiting for the grace", async () => {
    const { start, steps, exitCode } = harness((cutOff) => cutOff, 1000, 600_000);
    void start("SIGINT");
    void start("SIGINT");
    expect(await exitCode).toBe(0);
    expect(steps).toEqual(["drain", "cut off", "drained", "close"]);
  });
});
