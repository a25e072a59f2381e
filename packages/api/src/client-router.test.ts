import { describe, expectTypeOf, it } from "vitest";
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { ClientRouter } from "./client-router.ts";
import type { AppRouter } from "./routers/app-router.ts";

// Checked by the type checker (`pnpm typecheck`); the runtime assertions are no-ops.
describe("ClientRouter", () => {
  it("has the procedures of AppRouter, with the same inputs and outputs", () => {
    expectTypeOf<ClientRouter["_def"]["record"]>().toEqualTypeOf<AppRouter["_def"]["record"]>();
    expectTypeOf<inferRouterInputs<ClientRouter>>().toEqualTypeOf<inferRouterInputs<AppRouter>>();
    expectTypeOf<inferRouterOutputs<ClientRouter>>().toEqualTypeOf<inferRouterOutputs<AppRouter>>();
  });

  it("has the error shape of AppRouter's error formatter", () => {
    expectTypeOf<inferRouterError<ClientRouter>>().toEqualTypeOf<inferRouterError<AppRouter>>();
  });

  it("has AppRouter's transformer setting", () => {
    expectTypeOf<ClientRouter["_def"]["_config"]["$types"]["transformer"]>().toEqualTypeOf<
      AppRouter["_def"]["_config"]["$types"]["transformer"]
    >();
  });
});
