import { regions, type SystemDb } from "@platforma/db";

/** A small but realistic inventory for the local stack and tests. */
export const DEFAULT_REGIONS = [
  { name: "eu-central-1", displayName: "Frankfurt", clusterSlots: 10_000 },
  { name: "eu-west-1", displayName: "Dublin", clusterSlots: 10_000 },
  { name: "us-east-1", displayName: "N. Virginia", clusterSlots: 10_000 },
  { name: "ap-southeast-1", displayName: "Singapore", clusterSlots: 5_000 },
] as const;

/** Inserts missing regions; leaves existing ones (and their usage) alone. */
export async function seedInventory(
  db: SystemDb,
  list: readonly { name: string; displayName: string; clusterSlots: number }[] = DEFAULT_REGIONS,
): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(regions)
    .values(list.map((r) => ({ ...r })))
    .onConflictDoNothing({ target: regions.name });
}
