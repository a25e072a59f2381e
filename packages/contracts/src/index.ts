export * from "./ids.ts";
export * from "./scopes.ts";
export * from "./errors.ts";
export * from "./quotas.ts";
export * from "./tenant.ts";
export * from "./events.ts";
export * from "./workflows.ts";
export * from "./lifecycle.ts";
