export * from "./object-key.ts";
export * from "./object-store.ts";
export * from "./filesystem-driver.ts";
export * from "./s3-driver.ts";
export * from "./create-object-store.ts";
