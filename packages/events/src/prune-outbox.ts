import { sql } from "drizzle-orm";
import type { SystemDb } from "@platforma/db";

/**
 * Deletes outbox rows published before `publishedBefore`, in bounded batches so no statement
 * holds many row locks or runs long. Unpublished rows are never touched, whatever their age:
 * they are events still owed to the broker. Returns how many rows were deleted.
 */
export async function pruneOutbox(
  db: SystemDb,
  opts: { publishedBefore: Date; batchSize?: number },
): Promise<number> {
  const batchSize = opts.batchSize ?? 5_000;
  let total = 0;
  for (;;) {
    const result = await db.execute(sql`
      delete from outbox
       where seq in (select seq from outbox
                      where published_at is not null and published_at < ${opts.publishedBefore}
                      order by seq
                      limit ${batchSize})`);
    const deleted = result.rowCount ?? 0;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
