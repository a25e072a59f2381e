import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { DomainError, ERROR_REASONS, type ErrorReason } from "@platforma/contracts";
import { errorData, toTrpcError } from "./errors.ts";

describe("error contract", () => {
  it.each(Object.keys(ERROR_REASONS) as ErrorReason[])("%s keeps its reason, details and cause", (reason) => {
    const domain = new DomainError(reason, "x", { detail: 1 });
    const err = toTrpcError(domain);
    expect(err.cause).toBe(domain);
    expect(errorData(err)).toEqual({ reason, detail: 1 });
  });

  it("maps quota_exceeded to 403 with its violations", () => {
    const violations = [{ quota: "max_clusters", limit: 10, used: 10, requested: 1 }];
    const err = toTrpcError(new DomainError("quota_exceeded", "x", { violations }));
    expect(err.code).toBe("FORBIDDEN");
    expect(errorData(err)).toEqual({ reason: "quota_exceeded", violations });
  });

  it("reports validation issues as invalid_input", () => {
    const err = new TRPCError({
      code: "BAD_REQUEST",
      cause: Object.assign(new Error("bad"), {
        issues: [{ path: ["name"], message: "too short", code: "too_small" }],
      }),
    });
    expect(errorData(err)).toEqual({
      reason: "invalid_input",
      issues: [{ path: ["name"], message: "too short", code: "too_small" }],
    });
  });

  it("says nothing specific about unexpected failures", () => {
    expect(
      errorData(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("db password wrong") })),
    ).toEqual({ reason: "internal" });
  });
});
