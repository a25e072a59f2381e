import { Option, type Command } from "@commander-js/extra-typings";
import { SCOPES } from "@platforma/contracts";
import { idArg, scopesArg } from "../args.ts";
import { table, when } from "../output.ts";
import { sessionFor, type CliContext } from "../session.ts";

const tenantOption = () =>
  new Option(
    "--tenant <tenant>",
    "act as this tenant with a token minted from the local key set (else --token must be a tenant credential)",
  ).argParser(idArg("tenant"));

export function registerApiKeyCommands(program: Command, ctx: CliContext): void {
  const keys = program.command("api-keys").description("a tenant's API keys (acts as the tenant)");

  keys
    .command("list")
    .description("the tenant's keys, newest first")
    .addOption(tenantOption())
    .action(async (opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const page = await (await s.tenant(opts.tenant)).apiKeys.list.query({ limit: 200 });
      s.emit(page.items, () =>
        table(
          ["id", "name", "status", "scopes", "expires", "last used"],
          page.items.map((k) => [
            k.id,
            k.name,
            k.status,
            k.scopes.join(" "),
            when(k.expiresAt),
            when(k.lastUsedAt),
          ]),
        ),
      );
    });

  keys
    .command("create")
    .description("a new key; its secret is shown once, here")
    .addOption(tenantOption())
    .requiredOption("--name <name>", "what the key is for")
    .requiredOption("--scope <scopes...>", `scopes the key carries (of ${SCOPES.join(", ")})`, scopesArg)
    .option("--expires-at <iso8601>", "when the key stops working (at most a year ahead)")
    .action(async (opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const created = await (
        await s.tenant(opts.tenant)
      ).apiKeys.create.mutate({
        name: opts.name,
        scopes: opts.scope,
        ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
      });
      const k = created.apiKey;
      s.emit(
        created,
        () =>
          `${table(["id", "name", "scopes", "expires"], [[k.id, k.name, k.scopes.join(" "), when(k.expiresAt)]])}` +
          `\nkey (shown only now): ${created.plaintextKey}\n`,
      );
    });

  keys
    .command("revoke")
    .description("the key stops working on its next use")
    .argument("<key>", "key id", idArg("apiKey"))
    .addOption(tenantOption())
    .action(async (keyId, opts, cmd) => {
      const s = sessionFor(ctx, cmd);
      const k = await (await s.tenant(opts.tenant)).apiKeys.revoke.mutate({ keyId });
      s.emit(k, () => table(["id", "name", "status"], [[k.id, k.name, k.status]]));
    });
}
