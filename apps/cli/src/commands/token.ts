import type { Command } from "@commander-js/extra-typings";
import { countArg, idArg } from "../args.ts";
import { ensureDevKeys } from "../dev-keys.ts";
import { UsageError } from "../exit-codes.ts";
import { mintLocalToken } from "../local-token.ts";
import type { CliContext } from "../session.ts";

export function registerTokenCommand(program: Command, ctx: CliContext): void {
  program
    .command("token")
    .description("print an access token signed by the local key set (made on first use), for the local stack")
    .option("--operator", "an operator token (every scope, platform:admin included)")
    .option("--tenant <tenant>", "a token of this tenant's admin", idArg("tenant"))
    .option("--user <user>", "the tenant token's subject", "usr_dev")
    .option("--scopes <scopes>", "space-separated scopes instead of the defaults")
    .option("--roles <roles>", "comma- or space-separated roles", "admin")
    .option("--ttl <seconds>", "lifetime", countArg, 3600)
    .action(async (opts) => {
      if (Boolean(opts.operator) === Boolean(opts.tenant))
        throw new UsageError("pass exactly one of --operator, --tenant <ten_id>");
      if (opts.ttl < 1) throw new UsageError("--ttl must be at least 1 second");
      const keys = await ensureDevKeys(ctx.env.devKeysDir);
      const token = await mintLocalToken(
        keys,
        { issuer: ctx.env.AUTH_ISSUER, audience: ctx.env.AUTH_AUDIENCE },
        opts.tenant ? { kind: "tenant", tenantId: opts.tenant, userId: opts.user } : { kind: "operator" },
        { scopes: opts.scopes, roles: opts.roles.split(/[ ,]+/).filter(Boolean), ttlSeconds: opts.ttl },
      );
      ctx.io.out(`${token}\n`);
    });
}
