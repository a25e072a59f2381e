import type { TRPCBuiltRouter, TRPCDecorateCreateRouterOptions } from "@trpc/server";
import type { ApiErrorShape } from "./error-shape.ts";
import type { appProcedures } from "./routers/app-router.ts";
import type { Meta } from "./trpc.ts";

/**
 * What a client may know of the server's context: nothing. A tRPC client reads only the
 * procedures' shapes, the error shape and whether a transformer is set, so the published client's
 * types need none of the server's (database handles, Temporal, the HTTP host). See
 * docs/decisions/client-package.md.
 */
export type ClientContext = object;

/** The root types the client sees: the server's, with its context hidden. */
export interface ClientRootTypes {
  ctx: ClientContext;
  meta: Meta;
  errorShape: ApiErrorShape;
  transformer: false;
}

/**
 * The router as `@platforma/client` types it: the same procedures as `AppRouter` (a type test
 * holds them equal) under `ClientRootTypes`.
 */
export type ClientRouter = TRPCBuiltRouter<
  ClientRootTypes,
  TRPCDecorateCreateRouterOptions<typeof appProcedures>
>;
