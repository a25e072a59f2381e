import { eq } from "drizzle-orm";
import { DomainError, type ClusterId } from "@platforma/contracts";
import { clusters, type TenantTx } from "@platforma/db";

/** The tenant's cluster, which must be ready to take instances or storage. Another tenant's id is simply not found (RLS). */
export async function requireReadyCluster(tx: TenantTx, clusterId: ClusterId) {
  const [cluster] = await tx.select().from(clusters).where(eq(clusters.id, clusterId)).for("share");
  if (!cluster || cluster.state === "deleted")
    throw new DomainError("not_found", `cluster ${clusterId} not found`);
  if (cluster.state !== "ready") {
    throw new DomainError("conflict", `cluster ${clusterId} is ${cluster.state}, not ready`, {
      state: cluster.state,
    });
  }
  return cluster;
}
