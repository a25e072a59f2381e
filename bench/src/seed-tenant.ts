import type { TenantId } from "@platforma/contracts";
import { createDb, createSystemDb } from "@platforma/db";
import { createCluster, createTenant } from "@platforma/domain";
import { openAdmissionDb } from "./admission-db.ts";
import { benchEnv } from "./bench-env.ts";
import { noWorkflowStarter } from "./no-workflow-starter.ts";

export interface SeedOptions {
  databaseUrl: string;
  systemDatabaseUrl: string;
  clusters: number;
}

const REGION = "eu-central-1";

/** A fresh active tenant owning `clusters` clusters, made through the same use cases as the API. */
export async function seedTenant(opts: SeedOptions): Promise<TenantId> {
  const app = createDb({ url: opts.databaseUrl, max: 1, applicationName: "platforma-bench-seed" });
  const system = createSystemDb({
    url: opts.systemDatabaseUrl,
    max: 1,
    applicationName: "platforma-bench-seed",
  });
  try {
    const tenant = await createTenant(system.db, {
      name: `bench ${globalThis.crypto.randomUUID().slice(0, 8)}`,
      allowedRegions: [REGION],
      quotas: { max_clusters: opts.clusters },
    });
    for (let i = 0; i < opts.clusters; i++) {
      await createCluster({ db: app.db, workflows: noWorkflowStarter }, tenant, {
        name: `bench-${String(i).padStart(3, "0")}`,
        region: REGION,
        placement: "shared",
      });
    }
    return tenant.id;
  } finally {
    await Promise.all([app.close(), system.close()]);
  }
}

/**
 * Removes a seeded tenant and every row it holds, outbox included: no relay drains a benchmark
 * database, and its unpublished rows would otherwise wait for the next relay (or test) that does.
 */
export async function removeSeededTenant(tenantId: TenantId): Promise<void> {
  const db = openAdmissionDb(benchEnv.systemDatabaseUrl);
  try {
    await db.removeTenants([tenantId]);
  } finally {
    await db.close();
  }
}
