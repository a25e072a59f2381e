import type { Command } from "@commander-js/extra-typings";
import type { PlatformaClient } from "@platforma/client";
import { countArg, idArg } from "../args.ts";
import { table, when } from "../output.ts";
import { sessionFor, type CliContext } from "../session.ts";

type Order = Awaited<ReturnType<PlatformaClient["tenants"]["listOrders"]["query"]>>["items"][number];

const PAGE_SIZE = 200;

export function registerOrderCommands(program: Command, ctx: CliContext): void {
  const orders = program.command("orders").description("a tenant's orders (operator)");

  orders
    .command("list")
    .description("the tenant's orders, newest first")
    .requiredOption("--tenant <tenant>", "tenant id", idArg("tenant"))
    .option("--limit <n>", "list at most this many (default 50)", countArg, 50)
    .action(async (opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const client = await s.operator();
      const items: Order[] = [];
      let cursor: string | undefined;
      do {
        const want = Math.min(PAGE_SIZE, opts.limit - items.length);
        if (want <= 0) break;
        const page = await client.tenants.listOrders.query({
          tenantId: opts.tenant,
          limit: want,
          ...(cursor ? { cursor } : {}),
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      s.emit(items, () =>
        table(
          ["id", "kind", "state", "created", "updated", "error"],
          items.map((o) => [
            o.id,
            o.kind,
            o.state,
            when(o.createdAt),
            when(o.updatedAt),
            o.error ? `${o.error.reason}: ${o.error.message}` : "-",
          ]),
        ),
      );
    });
}
