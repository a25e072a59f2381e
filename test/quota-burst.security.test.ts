import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformaClient, errorDataOf, type PlatformaClient } from "@platforma/client";
import type { ClusterId, QuotaName } from "@platforma/contracts";
import { reconcileUsage } from "@platforma/domain";
import { readyCluster } from "./cluster-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";

const BURST = 200;

/**
 * One test per quota dimension: a tenant close to its limit receives a burst of concurrent HTTP
 * requests (no batching, so they race on separate connections and transactions).
 */
describe("quota admission under a burst of 200 concurrent requests", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter(), poolSize: 40 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function tenantNearLimit(quotas: Partial<Record<QuotaName, number>>) {
    const t = await stack.newTenant({ quotas });
    const burstClient = createPlatformaClient({ url: stack.url, token: t.token, batch: false });
    return { ...t, burstClient };
  }

  async function burst(make: (i: number) => Promise<unknown>) {
    const results = await Promise.allSettled(Array.from({ length: BURST }, (_, i) => make(i)));
    const rejected = results
      .filter((r): r is PromiseRejectedResult => r.status === "rejected")
      .map((r) => r.reason);
    return { admitted: BURST - rejected.length, rejected };
  }

  async function expectTrueUsage(tenantId: Parameters<typeof reconcileUsage>[1], client: PlatformaClient) {
    // The reconciler recounts from the resource tables: no correction means usage == recount.
    expect(await reconcileUsage(stack.deps.db, tenantId)).toEqual([]);
    return Object.fromEntries((await client.quotas.get.query()).quotas.map((q) => [q.quota, q.used]));
  }

  function expectViolations(
    rejected: unknown[],
    violation: { quota: QuotaName; limit: number; requested: number },
  ) {
    for (const err of rejected) {
      const data = errorDataOf(err);
      expect(data?.reason, String(err)).toBe("quota_exceeded");
      expect(data?.violations).toEqual([{ ...violation, used: violation.limit }]);
    }
  }

  it("max_clusters", async () => {
    const { tenantId, client, burstClient } = await tenantNearLimit({ max_clusters: 12 });
    for (let i = 0; i < 5; i++)
      await client.clusters.create.mutate({ name: `pre-${i}`, region: "eu-central-1" });
    const { admitted, rejected } = await burst((i) =>
      burstClient.clusters.create.mutate({ name: `c-${i}`, region: "eu-central-1" }),
    );
    expect(admitted).toBe(7);
    expectViolations(rejected, { quota: "max_clusters", limit: 12, requested: 1 });
    expect((await expectTrueUsage(tenantId, client)).max_clusters).toBe(12);
  });

  describe("on a ready cluster", () => {
    let clusterId: ClusterId;
    async function withCluster(quotas: Partial<Record<QuotaName, number>>) {
      const t = await tenantNearLimit(quotas);
      clusterId = await readyCluster(stack, t.client);
      return t;
    }

    it("max_instances", async () => {
      const { tenantId, client, burstClient } = await withCluster({ max_instances: 30 });
      for (let i = 0; i < 21; i++)
        await client.instances.create.mutate({ clusterId, name: `pre-${i}`, cpuCores: 1, memoryGb: 1 });
      const { admitted, rejected } = await burst((i) =>
        burstClient.instances.create.mutate({ clusterId, name: `i-${i}`, cpuCores: 1, memoryGb: 1 }),
      );
      expect(admitted).toBe(9);
      expectViolations(rejected, { quota: "max_instances", limit: 30, requested: 1 });
      expect(await expectTrueUsage(tenantId, client)).toMatchObject({
        max_instances: 30,
        max_cpu_cores: 30,
        max_memory_gb: 30,
      });
    });

    it("max_cpu_cores", async () => {
      const { tenantId, client, burstClient } = await withCluster({ max_cpu_cores: 100 });
      await client.instances.create.mutate({ clusterId, name: "big", cpuCores: 64, memoryGb: 1 });
      const { admitted, rejected } = await burst((i) =>
        burstClient.instances.create.mutate({ clusterId, name: `i-${i}`, cpuCores: 4, memoryGb: 1 }),
      );
      expect(admitted).toBe(9);
      expectViolations(rejected, { quota: "max_cpu_cores", limit: 100, requested: 4 });
      expect((await expectTrueUsage(tenantId, client)).max_cpu_cores).toBe(100);
    });

    it("max_memory_gb", async () => {
      const { tenantId, client, burstClient } = await withCluster({ max_memory_gb: 512 });
      await client.instances.create.mutate({ clusterId, name: "big", cpuCores: 1, memoryGb: 256 });
      const { admitted, rejected } = await burst((i) =>
        burstClient.instances.create.mutate({ clusterId, name: `i-${i}`, cpuCores: 1, memoryGb: 16 }),
      );
      expect(admitted).toBe(16);
      expectViolations(rejected, { quota: "max_memory_gb", limit: 512, requested: 16 });
      expect((await expectTrueUsage(tenantId, client)).max_memory_gb).toBe(512);
    });

    it("max_storage_tb", async () => {
      const { tenantId, client, burstClient } = await withCluster({ max_storage_tb: 40 });
      await client.storage.create.mutate({ clusterId, name: "big", backend: "ceph", sizeTb: 25 });
      const { admitted, rejected } = await burst((i) =>
        burstClient.storage.create.mutate({ clusterId, name: `s-${i}`, backend: "nvme", sizeTb: 3 }),
      );
      expect(admitted).toBe(5);
      // 25 + 5 × 3 = 40 exactly.
      expectViolations(rejected, { quota: "max_storage_tb", limit: 40, requested: 3 });
      expect((await expectTrueUsage(tenantId, client)).max_storage_tb).toBe(40);
    });

    it("an instance over two quotas at once gets both violations and takes nothing", async () => {
      const { tenantId, client } = await withCluster({ max_cpu_cores: 8, max_memory_gb: 8 });
      const err = await client.instances.create
        .mutate({ clusterId, name: "too-big", cpuCores: 9, memoryGb: 9 })
        .catch((e: unknown) => e);
      expect(errorDataOf(err)?.violations).toEqual([
        { quota: "max_cpu_cores", limit: 8, used: 0, requested: 9 },
        { quota: "max_memory_gb", limit: 8, used: 0, requested: 9 },
      ]);
      expect(await expectTrueUsage(tenantId, client)).toMatchObject({
        max_instances: 0,
        max_cpu_cores: 0,
        max_memory_gb: 0,
      });
    });
  });
});
