import { runMigrations } from "./migrate.ts";

const url = process.env["DATABASE_OWNER_URL"];
if (!url) {
  process.stderr.write("DATABASE_OWNER_URL is required (the role that owns the schema)\n");
  process.exit(2);
}
await runMigrations(url);
process.stdout.write("migrations applied\n");
