import { describe, expect, it } from "vitest";
import { DomainError, newId } from "@platforma/contracts";
import { decodeCursor, encodeCursor } from "./pagination.ts";

const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("keyset cursors", () => {
  it("round-trips what it encodes", () => {
    const at = new Date("2026-05-01T10:00:00.123Z");
    const id = newId("cluster");
    expect(decodeCursor(encodeCursor(at, id))).toEqual({ at, id });
    expect(decodeCursor(undefined)).toBeNull();
  });

  it.each([
    ["not base64 JSON", "%%%"],
    ["JSON that is not a pair", forge({ at: "2026-01-01T00:00:00.000Z" })],
    ["a pair with three items", forge(["2026-01-01T00:00:00.000Z", newId("order"), 1])],
    ["an id holding a NUL", forge(["2026-01-01T00:00:00.000Z", "ord_\u0000"])],
    ["an id holding a lone surrogate", forge(["2026-01-01T00:00:00.000Z", "ord_\ud800aaaaaaaaaaaaaaaaaaa"])],
    ["an id that is SQL", forge(["2026-01-01T00:00:00.000Z", "x' or 1=1 --"])],
    ["a time Postgres cannot hold", forge(["+275760-09-13T00:00:00.000Z", newId("order")])],
    ["a time before the platform", forge(["1900-01-01T00:00:00.000Z", newId("order")])],
    ["a time that is not ISO", forge(["Tue Dec 01 2026", newId("order")])],
  ])("refuses %s as invalid_input", (_name, cursor) => {
    let err: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).reason).toBe("invalid_input");
  });
});
