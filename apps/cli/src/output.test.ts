import { describe, expect, it } from "vitest";
import { fields, idsOf, ruledTable, table, when } from "./output.ts";

describe("human output", () => {
  it("pads columns to their widest cell, capitalises headers, leaves no trailing spaces", () => {
    expect(
      table(
        ["id", "state"],
        [
          ["ten_a", "active"],
          ["ten_bbbbbb", "archived"],
        ],
      ),
    ).toBe("ID           STATE\nten_a        active\nten_bbbbbb   archived\n");
  });

  it("rules the header of a quota table as `kubectl describe quota` does", () => {
    expect(ruledTable(["Resource", "Used", "Hard"], [["max_clusters", "1", "10"]])).toBe(
      "Resource       Used   Hard\n--------       ----   ----\nmax_clusters   1      10\n",
    );
  });

  it("aligns described fields on their values", () => {
    expect(
      fields([
        ["Name", "Acme"],
        ["Previous state", "active"],
        ["Reason", ""],
      ]),
    ).toBe("Name:            Acme\nPrevious state:  active\nReason:\n");
  });

  it("prints instants to the second, and none as a dash", () => {
    expect(when("2026-12-01T18:29:00.123Z")).toBe("2026-12-01T18:29:00Z");
    expect(when(null)).toBe("-");
  });
});

describe("-o id", () => {
  it("takes an object's id, the ids of a list or of a page's items, and nothing else", () => {
    expect(idsOf({ id: "ten_a", name: "x" })).toEqual(["ten_a"]);
    expect(idsOf([{ id: "ten_a" }, { id: "ten_b" }])).toEqual(["ten_a", "ten_b"]);
    expect(idsOf({ items: [{ id: "key_a" }], nextCursor: null })).toEqual(["key_a"]);
    expect(idsOf({ plaintextKey: "secret", apiKey: { id: "key_a" } })).toEqual([]);
    expect(idsOf(null)).toEqual([]);
  });
});
