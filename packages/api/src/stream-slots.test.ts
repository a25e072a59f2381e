import { describe, expect, it } from "vitest";
import { DomainError, newId } from "@platforma/contracts";
import { createStreamSlots } from "./stream-slots.ts";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? { reason: err.reason, ...err.details } : err;
  }
  return null;
};

describe("event stream slots", () => {
  it("caps open streams per credential and per tenant, and gives a slot back once", () => {
    const slots = createStreamSlots({ perTenant: 3, perCredential: 2 });
    const tenant = newId("tenant");
    const a1 = slots.acquire(tenant, "jwt:usr_a");
    slots.acquire(tenant, "jwt:usr_a");
    expect(refusal(() => slots.acquire(tenant, "jwt:usr_a"))).toMatchObject({
      reason: "rate_limited",
      limit: { streamsPerCredential: 2 },
    });
    slots.acquire(tenant, "jwt:usr_b");
    expect(refusal(() => slots.acquire(tenant, "jwt:usr_c"))).toMatchObject({
      reason: "rate_limited",
      limit: { streamsPerTenant: 3 },
    });
    // Another tenant has its own budget.
    expect(refusal(() => slots.acquire(newId("tenant"), "jwt:usr_a"))).toBeNull();

    a1();
    a1();
    expect(refusal(() => slots.acquire(tenant, "jwt:usr_c"))).toBeNull();
    expect(refusal(() => slots.acquire(tenant, "jwt:usr_d"))).toMatchObject({ reason: "rate_limited" });
  });
});
