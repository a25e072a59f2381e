import { describe, expect, it } from "vitest";
import { fields, ruledTable, table, when } from "./output.ts";

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
