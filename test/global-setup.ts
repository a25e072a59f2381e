import { createSystemDb, runMigrations } from "@platforma/db";
import { seedInventory } from "@platforma/providers";
import { testEnv } from "./env.ts";

/** Once per run: the schema is current and the inventory exists. Tests make their own tenants. */
export default async function setup(): Promise<void> {
  await runMigrations(testEnv.ownerDatabaseUrl);
  const system = createSystemDb({ url: testEnv.systemDatabaseUrl, max: 1 });
  try {
    await seedInventory(system.db);
  } finally {
    await system.close();
  }
}
