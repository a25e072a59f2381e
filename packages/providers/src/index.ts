export * from "./driver.ts";
export * from "./simulated-driver.ts";
export * from "./seed-inventory.ts";
