import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@platforma/contracts";
import { createSystemDb, outbox, runMigrations } from "@platforma/db";
import { pruneOutbox } from "./prune-outbox.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

describe("outbox pruning", () => {
  let system: ReturnType<typeof createSystemDb>;
  beforeAll(async () => {
    await runMigrations(env("DATABASE_OWNER_URL"));
    system = createSystemDb({ url: env("DATABASE_SYSTEM_URL"), max: 2 });
  });
  afterAll(async () => {
    await system?.close();
  });

  it("deletes only rows published before the cut-off, never unpublished ones", async () => {
    const tenantId = newId("tenant");
    const day = 24 * 3600 * 1000;
    const row = (label: string, publishedAt: Date | null, occurredAt: Date) => ({
      id: newId("event"),
      tenantId,
      topic: "platforma.tenants.v1",
      type: "tenant.created.v1",
      data: { tenantId, name: label, allowedRegions: [] },
      occurredAt,
      publishedAt,
    });
    const old = new Date(Date.now() - 10 * day);
    await system.db
      .insert(outbox)
      .values([
        row("published long ago", old, old),
        row("published just now", new Date(), old),
        row("never published", null, old),
      ]);
    const deleted = await pruneOutbox(system.db, {
      publishedBefore: new Date(Date.now() - 7 * day),
      batchSize: 1,
    });
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await system.db.select().from(outbox).where(eq(outbox.tenantId, tenantId));
    expect(left.map((r) => (r.data as { name: string }).name).sort()).toEqual([
      "never published",
      "published just now",
    ]);
  });
});
