import { eq } from "drizzle-orm";
import type { PlatformaClient } from "@platforma/client";
import type { ClusterId } from "@platforma/contracts";
import { clusters } from "@platforma/db";
import type { TestStack } from "./stack.ts";
import { eventually } from "./eventually.ts";

/**
 * A ready cluster for tests that are about what goes on it. With a worker the real workflow makes
 * it ready; without one (admission-only tests) the row is marked ready directly.
 */
export async function readyCluster(
  stack: TestStack,
  client: PlatformaClient,
  name = "base",
): Promise<ClusterId> {
  const { cluster } = await client.clusters.create.mutate({ name, region: "eu-central-1" });
  if (stack.hasWorker) {
    await eventually(async () => {
      const c = await client.clusters.get.query({ clusterId: cluster.id });
      if (c.state !== "ready") throw new Error(`cluster is ${c.state}`);
    });
  } else {
    await stack.deps.systemDb.update(clusters).set({ state: "ready" }).where(eq(clusters.id, cluster.id));
  }
  return cluster.id;
}
