import { describe, expect, it } from "vitest";
import { TRPCClientError } from "@platforma/client";
import { failureOf } from "./api.ts";
import { EXIT } from "./exit-codes.ts";

const URL = "http://127.0.0.1:3000";
const answered = (data: Record<string, unknown>, message = "refused") =>
  TRPCClientError.from({ error: { message, code: -32600, data } }, { meta: { response: { status: 403 } } });

describe("what a failed call tells the caller", () => {
  it("an API error: exit 1, the reason, its details and the request id", () => {
    const err = answered(
      {
        reason: "quota_exceeded",
        httpStatus: 403,
        violations: [{ quota: "max_clusters", limit: 1, used: 1, requested: 1 }],
        requestId: "req-1",
      },
      "quota exceeded",
    );
    expect(failureOf(err, URL)).toEqual({
      exitCode: EXIT.apiError,
      lines: [
        "error: quota_exceeded: quota exceeded",
        "  max_clusters: limit 1, used 1, requested 1",
        "  request id: req-1",
      ],
    });
  });

  it("input issues one per line, instead of the message that repeats them as JSON", () => {
    const err = answered(
      { reason: "invalid_input", httpStatus: 400, issues: [{ path: ["name"], message: "too short" }] },
      "[{…}]",
    );
    expect(failureOf(err, URL)?.lines).toEqual(["error: invalid_input", "  name: too short"]);
  });

  it("no answer at all: exit 3, with the cause", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3000"), { code: "ECONNREFUSED" });
    const err = TRPCClientError.from(new TypeError("fetch failed", { cause: refused }));
    expect(failureOf(err, URL)).toEqual({
      exitCode: EXIT.unreachable,
      lines: [
        `error: the API at ${URL} is unreachable: fetch failed: connect ECONNREFUSED 127.0.0.1:3000 (ECONNREFUSED)`,
      ],
    });
  });

  it("an answer that is not the API's: exit 1", () => {
    const err = TRPCClientError.from(new Error("Unexpected token <"), {
      meta: { response: { status: 502 } },
    });
    expect(failureOf(err, URL)).toMatchObject({
      exitCode: EXIT.apiError,
      lines: [expect.stringMatching(/HTTP 502/)],
    });
  });

  it("leaves anything else to crash loudly: it is a bug of the command", () => {
    expect(failureOf(new Error("boom"), URL)).toBeNull();
  });
});
