import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";

describe("list pagination", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("walks every cluster and order exactly once, newest first", async () => {
    const { client } = await stack.newTenant();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        (await client.clusters.create.mutate({ name: `c-${i}`, region: "eu-central-1" })).cluster.id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.clusters.list.query({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());

    const firstOrders = await client.orders.list.query({ limit: 5 });
    expect(firstOrders.items).toHaveLength(5);
    const restOrders = await client.orders.list.query({ limit: 5, cursor: firstOrders.nextCursor ?? "" });
    expect(restOrders.items).toHaveLength(2);
    expect(restOrders.nextCursor).toBeNull();
  });

  it("pages operators through tenants by id", async () => {
    await stack.newTenant();
    await stack.newTenant();
    const first = await stack.operator.tenants.list.query({ limit: 1 });
    expect(first.items).toHaveLength(1);
    const second = await stack.operator.tenants.list.query({
      limit: 1,
      cursor: first.nextCursor ?? undefined,
    });
    expect((second.items[0]?.id ?? "") > (first.items[0]?.id ?? "")).toBe(true);
  });
});
