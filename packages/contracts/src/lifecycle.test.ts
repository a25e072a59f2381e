import { describe, expect, it } from "vitest";
import { LIFECYCLE_TRANSITION_NAMES, transitionRefusal, type LifecycleTransition } from "./lifecycle.ts";
import { TENANT_STATES, type TenantState } from "./tenant.ts";

/** Every (transition, state) pair the lifecycle allows; everything else is refused. */
const ALLOWED: Record<LifecycleTransition, TenantState[]> = {
  suspend: ["active"],
  resume: ["suspended"],
  archive: ["active", "suspended"],
  restore: ["archived"],
  requestDeletion: ["active", "suspended", "archived"],
  cancelDeletion: ["deleted"],
};

describe("lifecycle transitions", () => {
  for (const transition of LIFECYCLE_TRANSITION_NAMES) {
    it.each(TENANT_STATES.map((s) => [s]))(`${transition} from %s`, (state) => {
      const refusal = transitionRefusal(transition, state);
      if (ALLOWED[transition].includes(state)) expect(refusal).toBeNull();
      else expect(refusal).toBe(`cannot ${transition} a tenant that is ${state}`);
    });
  }
});
