import { appRouter } from "./routers/app-router.ts";

type ProcedureType = "query" | "mutation" | "subscription";

/**
 * The methods tRPC serves each kind of procedure on (method override is off). tRPC answers `HEAD`
 * on a query path without running it, so queries list it too.
 */
const METHODS_BY_TYPE: Record<ProcedureType, readonly string[]> = {
  query: ["GET", "HEAD"],
  subscription: ["GET", "HEAD"],
  mutation: ["POST"],
};

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>;

/**
 * The HTTP methods a tRPC path can be called with: one procedure (`clusters.list`) or a batch of
 * them (`clusters.list,orders.list`). Empty when the path names no procedure.
 */
export function procedureMethods(path: string): ReadonlySet<string> {
  const methods = new Set<string>();
  for (const name of path.split(",")) {
    const procedure = Object.hasOwn(procedures, name) ? procedures[name] : undefined;
    for (const method of procedure ? METHODS_BY_TYPE[procedure._def.type] : []) methods.add(method);
  }
  return methods;
}
