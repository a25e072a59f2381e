import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { failureOf } from "./api.ts";
import { registerApiKeyCommands } from "./commands/api-keys.ts";
import { registerOrderCommands } from "./commands/orders.ts";
import { registerTenantCommands } from "./commands/tenants.ts";
import { registerTokenCommand } from "./commands/token.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { OUTPUT_FORMATS } from "./output.ts";
import type { CliContext } from "./session.ts";

// `temporal` and `kafka` never reach this program: ./platforma hands them to their own tools.
const HELP_AFTER = `
Tools, run by ./platforma itself:
  temporal …                        the Temporal CLI (address: TEMPORAL_ADDRESS, default 127.0.0.1:7233)
  kafka topics|consume|groups …     Kafka's command-line tools, --bootstrap-server defaulting to
                                    KAFKA_BROKERS or the local broker

Credentials: --token, else PLATFORMA_TOKEN, else an operator token minted from the local key set
(.local/dev-keys, made by scripts/dev.sh or \`platforma token --operator\`) when it exists.

Exit codes:
  0  done
  1  the API answered with an error; its reason is printed (error: <reason>: <message>)
  2  usage: unknown command or option, malformed argument, no credential
  3  the API is unreachable (refused, unresolvable, timed out: PLATFORMA_TIMEOUT_MS)
`;

export function buildProgram(ctx: CliContext) {
  // Settings first: subcommands copy them when they are made.
  const program = new Command("platforma")
    .description("The PLATFORMA operator command line.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .showSuggestionAfterError()
    .option("--url <url>", `API base URL (PLATFORMA_URL; default ${ctx.env.PLATFORMA_URL})`)
    .option("--token <token>", "a JWT or an API key (PLATFORMA_TOKEN)")
    .addOption(
      new Option("-o, --output <format>", "how results are printed").choices(OUTPUT_FORMATS).default("table"),
    )
    .addHelpText("after", HELP_AFTER);
  registerTenantCommands(program, ctx);
  registerOrderCommands(program, ctx);
  registerApiKeyCommands(program, ctx);
  registerTokenCommand(program, ctx);
  return program;
}

/** Runs one command line (without the program name) and answers its exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (err) {
    // Commander has printed its own message (or the help) already.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof UsageError) {
      ctx.io.err(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    const failure = failureOf(err, program.opts().url ?? ctx.env.PLATFORMA_URL);
    if (!failure) throw err;
    ctx.io.err(`${failure.lines.join("\n")}\n`);
    return failure.exitCode;
  }
}
