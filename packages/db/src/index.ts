export * from "./client.ts";
export * from "./inventory-functions.ts";
export * from "./migrate.ts";
export * from "./multi-host.ts";
export * from "./tenant-tables.ts";
export * from "./schema/index.ts";
export * from "./query-text.ts";
