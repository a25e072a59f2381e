import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { ERROR_REASONS, type ErrorReason } from "@platforma/contracts";
import { procedureMethods } from "./procedure-methods.ts";
import { transportError } from "./transport-error.ts";

describe("errors the HTTP host answers itself", () => {
  it.each(Object.keys(ERROR_REASONS) as ErrorReason[])(
    "%s answers its one status, in tRPC's envelope",
    (reason) => {
      const { status, body } = transportError({ reason, message: "m" }, "clusters.list");
      expect(status).toBe(ERROR_REASONS[reason]);
      expect(body.error).toMatchObject({
        message: reason === "internal" ? "internal error" : "m",
        code: expect.any(Number),
        data: { httpStatus: status, reason, path: "clusters.list", code: expect.any(String) },
      });
    },
  );

  it("keeps a tRPC error's own code and status", () => {
    const { status, body } = transportError(new TRPCError({ code: "BAD_REQUEST", message: "Invalid URL" }));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      message: "Invalid URL",
      code: -32600,
      data: { reason: "invalid_input" },
    });
  });
});

describe("the methods a procedure path takes", () => {
  it("queries and subscriptions GET and HEAD, mutations POST", () => {
    expect([...procedureMethods("clusters.list")]).toEqual(["GET", "HEAD"]);
    expect([...procedureMethods("events.subscribe")]).toEqual(["GET", "HEAD"]);
    expect([...procedureMethods("clusters.create")]).toEqual(["POST"]);
  });

  it("a batch takes what any of its procedures takes; unknown names take nothing", () => {
    expect([...procedureMethods("clusters.list,clusters.create")].sort()).toEqual(["GET", "HEAD", "POST"]);
    expect(procedureMethods("clusters.nope").size).toBe(0);
    expect(procedureMethods("").size).toBe(0);
    expect(procedureMethods("toString").size).toBe(0);
    expect(procedureMethods("__proto__").size).toBe(0);
  });
});
