import type { PlatformaClient } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import { connect } from "./api.ts";
import { readDevKeys } from "./dev-keys.ts";
import type { CliEnv } from "./env.ts";
import { UsageError } from "./exit-codes.ts";
import { mintLocalToken, type LocalTokenSubject } from "./local-token.ts";
import { idsOf, json, type Io, type OutputFormat } from "./output.ts";

export interface CliContext {
  env: CliEnv;
  io: Io;
}

/** A token the CLI mints for itself lives only as long as one command. */
const SELF_MINTED_TTL_SECONDS = 300;

export interface Session {
  /** Writes the result: as JSON with `--output json`, its ids with `--output id`, else as the human rendering. */
  emit(value: unknown, human: () => string): void;
  /** A client with the operator's credential: `--token`, PLATFORMA_TOKEN, or one minted from the local key set. */
  operator(): Promise<PlatformaClient>;
  /**
   * A client acting as a tenant: with `tenantId`, a token for it minted from the local key set;
   * without, `--token` / PLATFORMA_TOKEN, which must then be a tenant credential (a token or an API key).
   */
  tenant(tenantId: TenantId | undefined): Promise<PlatformaClient>;
}

/** The part of a Commander command a session reads. */
interface ParsedCommand {
  optsWithGlobals(): object;
}

/** The program-wide options (`--url`, `--token`, `--output`), wherever on the line they were given. */
function globalsOf(command: ParsedCommand): { url?: string; token?: string; output: OutputFormat } {
  const opts = command.optsWithGlobals() as { url?: string; token?: string; output?: OutputFormat };
  return { ...opts, output: opts.output ?? "table" };
}

export function sessionFor(ctx: CliContext, command: ParsedCommand): Session {
  const globals = globalsOf(command);
  const url = globals.url ?? ctx.env.PLATFORMA_URL;
  const given = globals.token ?? ctx.env.PLATFORMA_TOKEN;
  const client = (token: string) => connect({ url, token, timeoutMs: ctx.env.PLATFORMA_TIMEOUT_MS });

  async function minted(subject: LocalTokenSubject): Promise<string | null> {
    const keys = await readDevKeys(ctx.env.devKeysDir);
    if (!keys) return null;
    return mintLocalToken(keys, { issuer: ctx.env.AUTH_ISSUER, audience: ctx.env.AUTH_AUDIENCE }, subject, {
      ttlSeconds: SELF_MINTED_TTL_SECONDS,
    });
  }

  return {
    emit(value, human) {
      if (globals.output === "json") return ctx.io.out(json(value));
      if (globals.output === "table") return ctx.io.out(human());
      const ids = idsOf(value);
      // A command whose result names nothing would print nothing, and a script would carry on with "".
      if (
        ids.length === 0 &&
        !Array.isArray(value) &&
        !Array.isArray((value as { items?: unknown })?.items)
      ) {
        throw new UsageError("--output id: this command's result has no id");
      }
      ctx.io.out(ids.map((id) => `${id}\n`).join(""));
    },
    async operator() {
      const token = given ?? (await minted({ kind: "operator" }));
      if (!token) {
        throw new UsageError(
          `no credential: pass --token or set PLATFORMA_TOKEN (no local key set in ${ctx.env.devKeysDir} to mint one from)`,
        );
      }
      return client(token);
    },
    async tenant(tenantId) {
      if (!tenantId) {
        if (!given)
          throw new UsageError(
            "acting as a tenant: pass --tenant <ten_id>, or a tenant credential with --token",
          );
        return client(given);
      }
      const token = await minted({ kind: "tenant", tenantId, userId: "usr_operator" });
      if (!token) {
        throw new UsageError(
          `--tenant mints a token from the local key set, and there is none in ${ctx.env.devKeysDir}: pass a tenant credential with --token instead`,
        );
      }
      return client(token);
    },
  };
}
