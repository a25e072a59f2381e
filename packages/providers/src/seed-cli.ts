// Seeds the simulated provider's inventory (idempotent). Needs DATABASE_SYSTEM_URL.
import { createSystemDb } from "@platforma/db";
import { seedInventory } from "./seed-inventory.ts";

const url = process.env["DATABASE_SYSTEM_URL"];
if (!url) {
  process.stderr.write("DATABASE_SYSTEM_URL is required\n");
  process.exit(2);
}
const system = createSystemDb({ url, max: 1 });
await seedInventory(system.db);
await system.close();
process.stdout.write("inventory seeded\n");
