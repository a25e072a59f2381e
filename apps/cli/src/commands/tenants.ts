import type { Command } from "@commander-js/extra-typings";
import type { PlatformaClient } from "@platforma/client";
import { isId, QUOTA_NAMES } from "@platforma/contracts";
import { burstArg, countArg, idArg, listArg, quotaArg, rateArg } from "../args.ts";
import { UsageError } from "../exit-codes.ts";
import { fields, ruledTable, table, when } from "../output.ts";
import { sessionFor, type CliContext } from "../session.ts";

type TenantDetails = Awaited<ReturnType<PlatformaClient["tenants"]["get"]["query"]>>;
type Tenant = Awaited<ReturnType<PlatformaClient["tenants"]["create"]["mutate"]>>;

/** Tenants are listed in pages of the API's largest size; `--limit` caps the total. */
const PAGE_SIZE = 200;

const tenantRow = (t: Tenant) => [t.id, t.name, t.state, t.allowedRegions.join(","), when(t.createdAt)];
const TENANT_HEADERS = ["id", "name", "state", "regions", "created"];

function transitionOf(t: TenantDetails): string {
  if (!t.transition) return "-";
  const since = new Date(t.transition.startedAt).toISOString();
  return `${t.transition.transition} at step ${t.transition.step}, since ${when(since)}`;
}

/** After a lifecycle change: where the tenant is now, and what its workflow still does. */
const lifecycleTable = (t: TenantDetails) =>
  table(["id", "name", "state", "transition"], [[t.id, t.name, t.state, transitionOf(t)]]);

/** `kubectl describe`: the tenant's fields, then its quotas as Resource / Used / Hard. */
export function describeTenant(t: TenantDetails): string {
  const entries: [string, string][] = [
    ["Name", t.name],
    ["ID", t.id],
    ["State", t.state],
  ];
  if (t.stateReason) entries.push(["Reason", t.stateReason]);
  if (t.previousState) entries.push(["Previous state", t.previousState]);
  entries.push(
    ["Regions", t.allowedRegions.join(", ")],
    ["Dedicated", t.dedicatedEntitled ? "entitled" : "no"],
    ["Retention", t.retentionDays === null ? "platform default" : `${t.retentionDays} days`],
  );
  if (t.deletionRequestedAt) entries.push(["Deletion requested", when(t.deletionRequestedAt)]);
  if (t.purgeAfter) entries.push(["Purge after", when(t.purgeAfter)]);
  if (t.purgedAt) entries.push(["Purged", when(t.purgedAt)]);
  entries.push(
    ["Transition", transitionOf(t)],
    ["Created", when(t.createdAt)],
    ["Updated", when(t.updatedAt)],
  );
  const quotas = ruledTable(
    ["Resource", "Used", "Hard"],
    t.usage.map((u) => [u.quota, String(u.used), String(u.limit)]),
  );
  return `${fields(entries)}\n${quotas}`;
}

const orNull = (value: number | "default") => (value === "default" ? null : value);

export function registerTenantCommands(program: Command, ctx: CliContext): void {
  const tenants = program.command("tenants").description("create, inspect and change tenants (operator)");

  tenants
    .command("list")
    .description("every tenant, oldest id first")
    .option("--limit <n>", "list at most this many", countArg)
    .action(async (opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const client = await s.operator();
      const items: Tenant[] = [];
      let cursor: Tenant["id"] | undefined;
      do {
        const want = opts.limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, opts.limit - items.length);
        if (want <= 0) break;
        const page = await client.tenants.list.query({ limit: want, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        // The tenants' cursor is the last id of the page.
        cursor = isId("tenant", page.nextCursor) ? page.nextCursor : undefined;
      } while (cursor);
      s.emit(items, () => table(TENANT_HEADERS, items.map(tenantRow)));
    });

  tenants
    .command("create")
    .description("create an active tenant")
    .requiredOption("--name <name>", "display name")
    .requiredOption("--region <regions...>", "allowed regions (repeat, or comma-separated)", listArg)
    .option("--dedicated", "entitled to dedicated clusters", false)
    .option(
      "--quota <quota=amount...>",
      `limits instead of the defaults (${QUOTA_NAMES.join(", ")})`,
      (value: string, previous?: ReturnType<typeof quotaArg>) => quotaArg(value, previous),
    )
    .action(async (opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const client = await s.operator();
      const tenant = await client.tenants.create.mutate({
        name: opts.name,
        allowedRegions: opts.region,
        dedicatedEntitled: opts.dedicated,
        ...(opts.quota ? { quotas: opts.quota } : {}),
      });
      s.emit(tenant, () => table(TENANT_HEADERS, [tenantRow(tenant)]));
    });

  tenants
    .command("describe")
    .description("state, regions, lifecycle and quotas with usage")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .action(async (tenantId, _opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const tenant = await (await s.operator()).tenants.get.query({ tenantId });
      s.emit(tenant, () => describeTenant(tenant));
    });

  tenants
    .command("set-quota")
    .description("change quota limits, e.g. `set-quota ten_… max_clusters=20 max_users=50`")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .argument(
      "<quota=amount...>",
      `one or more of ${QUOTA_NAMES.join(", ")}`,
      (value: string, previous?: ReturnType<typeof quotaArg>) => quotaArg(value, previous),
    )
    .action(async (tenantId, quotas, _opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const result = await (await s.operator()).tenants.updateQuotas.mutate({ tenantId, quotas });
      s.emit(result, () =>
        ruledTable(
          ["Resource", "Hard"],
          QUOTA_NAMES.map((q) => [q, String(result.limits[q])]),
        ),
      );
    });

  tenants
    .command("set-rate")
    .description("the tenant's request rate across API processes; `default` goes back to the platform's")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .option("--per-second <n>", "sustained requests per second, or `default`", rateArg)
    .option("--burst <n>", "requests above the rate at once, or `default`", burstArg)
    .action(async (tenantId, opts, cmd) => {
      if (opts.perSecond === undefined && opts.burst === undefined)
        throw new UsageError("give --per-second, --burst or both");
      const s = sessionFor(ctx, cmd);
      const t = await (
        await s.operator()
      ).tenants.updateRequestRate.mutate({
        tenantId,
        ...(opts.perSecond !== undefined ? { perSecond: orNull(opts.perSecond) } : {}),
        ...(opts.burst !== undefined ? { burst: orNull(opts.burst) } : {}),
      });
      const shown = (v: number | null) => (v === null ? "default" : String(v));
      s.emit(t, () =>
        table(
          ["id", "per second", "burst"],
          [[t.id, shown(t.requestRate.perSecond), shown(t.requestRate.burst)]],
        ),
      );
    });

  tenants
    .command("suspend")
    .description("active → suspended: the tenant's credentials are refused; data and compute stay")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .requiredOption("--reason <text>", "why (shown to operators and in the tenant's events)")
    .action(async (tenantId, opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const t = await (await s.operator()).tenants.suspend.mutate({ tenantId, reason: opts.reason });
      s.emit(t, () => lifecycleTable(t));
    });

  tenants
    .command("resume")
    .description("suspended → active")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .action(async (tenantId, _opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const t = await (await s.operator()).tenants.resume.mutate({ tenantId });
      s.emit(t, () => lifecycleTable(t));
    });

  tenants
    .command("archive")
    .description("→ archived: access stops; the export and the release of compute follow")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .option("--reason <text>", "why")
    .action(async (tenantId, opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const t = await (
        await s.operator()
      ).tenants.archive.mutate({
        tenantId,
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
      s.emit(t, () => lifecycleTable(t));
    });

  tenants
    .command("restore")
    .description("archived → active")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .action(async (tenantId, _opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const t = await (await s.operator()).tenants.restore.mutate({ tenantId });
      s.emit(t, () => lifecycleTable(t));
    });

  tenants
    .command("delete")
    .description("→ deleted: no access from now on; purged once the retention has passed")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .option("--reason <text>", "why")
    .option(
      "--retention-days <days>",
      "keep the data this long before the purge (default: the platform's)",
      countArg,
    )
    .action(async (tenantId, opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const t = await (
        await s.operator()
      ).tenants.requestDeletion.mutate({
        tenantId,
        ...(opts.reason ? { reason: opts.reason } : {}),
        ...(opts.retentionDays !== undefined ? { retentionDays: opts.retentionDays } : {}),
      });
      s.emit(t, () => `${lifecycleTable(t)}purge after ${when(t.purgeAfter)}\n`);
    });

  tenants
    .command("cancel-deletion")
    .description("deleted (purge pending) → the state the deletion was requested from")
    .argument("<tenant>", "tenant id", idArg("tenant"))
    .action(async (tenantId, _opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const t = await (await s.operator()).tenants.cancelDeletion.mutate({ tenantId });
      s.emit(t, () => lifecycleTable(t));
    });
}
