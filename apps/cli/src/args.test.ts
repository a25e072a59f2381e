import { InvalidArgumentError } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { newId } from "@platforma/contracts";
import { countArg, idArg, listArg, quotaArg, scopesArg } from "./args.ts";

describe("argument parsers refuse before any call is made", () => {
  it("takes ids of the named kind only", () => {
    const id = newId("tenant");
    expect(idArg("tenant")(id)).toBe(id);
    expect(() => idArg("tenant")(newId("order"))).toThrow(InvalidArgumentError);
    expect(() => idArg("tenant")("ten_short")).toThrow(/expected a ten_… id/);
  });

  it("accumulates quota assignments and names the quotas it knows", () => {
    expect(quotaArg("max_users=7", quotaArg("max_clusters=20"))).toEqual({ max_clusters: 20, max_users: 7 });
    expect(() => quotaArg("max_gpus=1")).toThrow(/unknown quota max_gpus; one of max_clusters/);
    expect(() => quotaArg("max_clusters=-1")).toThrow(/expected <quota>=<amount>/);
    expect(() => quotaArg("max_clusters")).toThrow(InvalidArgumentError);
  });

  it("splits lists on commas, across repeats", () => {
    expect(listArg("b", listArg("a, c"))).toEqual(["a", "c", "b"]);
  });

  it("takes known scopes only", () => {
    expect(scopesArg("orders:read,quotas:read")).toEqual(["orders:read", "quotas:read"]);
    expect(() => scopesArg("orders:delete")).toThrow(/unknown scope orders:delete/);
  });

  it("takes whole numbers only", () => {
    expect(countArg("30")).toBe(30);
    expect(() => countArg("1.5")).toThrow(InvalidArgumentError);
    expect(() => countArg("-1")).toThrow(InvalidArgumentError);
  });
});
