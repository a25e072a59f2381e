import { pgTable, text } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { tableName, tenantTables, tenantTablesInDeleteOrder } from "./tenant-tables.ts";

describe("tenant tables in delete order", () => {
  it("covers every tenant table exactly once", () => {
    expect(tenantTablesInDeleteOrder().map(tableName).sort()).toEqual(tenantTables.map(tableName).sort());
  });

  it("deletes a referencing table before the table it references", () => {
    const parent = pgTable("parents", { id: text("id").primaryKey(), tenantId: text("tenant_id").notNull() });
    const child = pgTable("children", {
      id: text("id").primaryKey(),
      tenantId: text("tenant_id").notNull(),
      parentId: text("parent_id").references(() => parent.id),
    });
    const grandchild = pgTable("a_grandchildren", {
      id: text("id").primaryKey(),
      tenantId: text("tenant_id").notNull(),
      childId: text("child_id").references(() => child.id),
    });
    expect(tenantTablesInDeleteOrder([parent, child, grandchild]).map(tableName)).toEqual([
      "a_grandchildren",
      "children",
      "parents",
    ]);
    expect(tenantTablesInDeleteOrder([grandchild, parent, child]).map(tableName)).toEqual([
      "a_grandchildren",
      "children",
      "parents",
    ]);
  });
});
