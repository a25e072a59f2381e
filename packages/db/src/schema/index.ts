export * from "./tenants.ts";
export * from "./quotas.ts";
export * from "./users.ts";
export * from "./orders.ts";
export * from "./clusters.ts";
export * from "./outbox.ts";
export * from "./inventory.ts";
export { TENANT_POLICY_NAME } from "./tenant-table.ts";
