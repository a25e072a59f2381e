import { createFilesystemDriver } from "./filesystem-driver.ts";
import { createTenantObjectStore, type TenantObjectStore } from "./object-store.ts";
import { createS3Driver, type S3DriverOptions } from "./s3-driver.ts";

export type ObjectStoreConfig = { driver: "filesystem"; dir: string } | ({ driver: "s3" } & S3DriverOptions);

/** The tenant object store a process configured (STORAGE_DRIVER and friends, parsed by the app). */
export async function createObjectStore(
  config: ObjectStoreConfig,
): Promise<TenantObjectStore & { close(): void }> {
  if (config.driver === "filesystem") {
    return { ...createTenantObjectStore(createFilesystemDriver({ root: config.dir })), close: () => {} };
  }
  const driver = createS3Driver(config);
  await driver.ensureBucket();
  return { ...createTenantObjectStore(driver), close: () => driver.close() };
}
