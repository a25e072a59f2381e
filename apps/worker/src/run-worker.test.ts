import { describe, expect, it } from "vitest";
import { assertContractedWorkflows } from "./run-worker.ts";

describe("worker bootstrap", () => {
  it("accepts the real workflows module", () => {
    expect(() => assertContractedWorkflows()).not.toThrow();
  });

  it("refuses a bundle that lacks a contracted workflow", () => {
    expect(() => assertContractedWorkflows({})).toThrow(/provisionCluster/);
  });
});
