export * from "./driver.ts";
export * from "./simulated-driver.ts";
export * from "./seed-inventory.ts";
export * from "./request-keys.ts";
