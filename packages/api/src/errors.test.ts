import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { DomainError, ERROR_REASONS, type ErrorReason } from "@platforma/contracts";
import { errorData, mapError, retryHeadersFor, toTrpcError } from "./errors.ts";

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

  it("maps a Postgres serialization failure (40001) to unavailable (503), naming the dependency", () => {
    const cause = Object.assign(new Error("could not serialize access due to concurrent update"), {
      code: "40001",
    });
    const mapped = mapError(cause);
    expect(mapped).toBeInstanceOf(TRPCError);
    expect((mapped as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect((mapped as TRPCError).message).toBe("postgres is unavailable; retry shortly");
    expect(errorData(mapped as TRPCError)).toEqual({
      reason: "unavailable",
      dependency: "postgres",
      retryable: true,
    });
    // Also when the error reaches the formatter unmapped (a subscription's stream).
    expect(errorData(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause }))).toMatchObject({
      reason: "unavailable",
    });
    expect(retryHeadersFor([mapped as TRPCError])).toEqual({ "retry-after": "2" });
  });

  it.each(["22021", "22P02", "22P05", "22003"])(
    "maps a value Postgres refuses to store (%s) to invalid_input (400), without its text",
    (code) => {
      const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
      const mapped = mapError(cause) as TRPCError;
      expect(mapped.code).toBe("BAD_REQUEST");
      expect(mapped.message).toBe("a value could not be stored");
      expect(errorData(mapped)).toEqual({ reason: "invalid_input", sqlstate: code });
    },
  );

  it("asks a rate-limited client to come back when its window ends", () => {
    const limited = toTrpcError(new DomainError("rate_limited", "x", { retryAfterSeconds: 17 }));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(retryHeadersFor([limited])).toEqual({ "retry-after": "17" });
    const unavailable = toTrpcError(new DomainError("unavailable", "x"));
    expect(retryHeadersFor([unavailable, limited])).toEqual({ "retry-after": "17" });
  });

  it("gives tRPC's own transport errors their reason", () => {
    const reasons = (
      ["METHOD_NOT_SUPPORTED", "UNSUPPORTED_MEDIA_TYPE", "PAYLOAD_TOO_LARGE", "TIMEOUT"] as const
    ).map((code) => errorData(new TRPCError({ code })).reason);
    expect(reasons).toEqual([
      "method_not_allowed",
      "unsupported_media_type",
      "payload_too_large",
      "request_timeout",
    ]);
  });

  it("asks for a retry only when a dependency was unavailable or the client is rate-limited", () => {
    const conflict = toTrpcError(new DomainError("conflict", "taken"));
    expect(retryHeadersFor([conflict])).toEqual({});
    expect(retryHeadersFor([])).toEqual({});
    expect(mapError(new TypeError("bug"))).toBeInstanceOf(TypeError);
  });

  it("says nothing specific about unexpected failures", () => {
    expect(
      errorData(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("db password wrong") })),
    ).toEqual({ reason: "internal" });
  });
});
