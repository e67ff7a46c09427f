// `vigil` entry: builds the command tree (commander), resolves configuration, runs one command, maps errors to exit codes.
import { Command, CommanderError, Option } from "commander";
import type { CliIo } from "./io.js";
import { CommandContext } from "./context.js";
import { loadConfigFile, resolveConnection, type ConnectionFlags } from "./config.js";
import { EXIT, exitCodeOf, isUnavailable, UsageError } from "./errors.js";
import { registerCommands } from "./commands/index.js";
import type { Runner } from "./runner.js";

/** Global flags every command accepts. */
export interface GlobalFlags extends ConnectionFlags {
  json?: boolean;
  color?: boolean;
  yes?: boolean;
}

const EXIT_HELP = `
Exit codes:
  0  success
  1  the operation failed
  2  bad arguments or options (nothing was changed)
  3  queue or task not found
  4  not possible in the current state (e.g. run an active task, remove a non-empty queue)
  5  Redis unreachable
  6  a destructive operation was not confirmed (use --yes)

Connection (first found wins): --redis URL | --cluster h:p,h:p | --sentinel h:p,h:p --sentinel-master NAME,
then $VIGIL_REDIS_URL or $VIGIL_CLUSTER, then --config FILE / $VIGIL_CONFIG / ./vigil.yaml /
~/.config/vigil/config.yaml (keys: redis, cluster, sentinel), then redis://127.0.0.1:6379.`;

/** Runs `vigil` with `argv` (without the node and script names) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command("vigil");
  program
    .description("Inspect and operate Asynq queues (Go and TypeScript) on Redis")
    .version("0.1.0", "-V, --version")
    .option("--redis <url>", "Redis URL, e.g. redis://:pass@10.0.0.5:6379/2")
    .option("--cluster <nodes>", "Redis Cluster nodes, comma separated host:port")
    .option("--sentinel <nodes>", "Sentinel nodes, comma separated host:port")
    .option("--sentinel-master <name>", "Sentinel master name")
    .option("--config <file>", "config file (YAML or JSON)")
    .option("--json", "print JSON with stable field names instead of tables")
    .addOption(new Option("--no-color", "never print colour (also NO_COLOR=1)"))
    .option("-y, --yes", "do not ask before destructive operations")
    .addHelpText("after", EXIT_HELP)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  const run: Runner =
    (body) =>
    async (...args) => {
      const flags = program.opts<GlobalFlags>();
      const file = loadConfigFile(flags.config, io.env);
      const connection = resolveConnection(flags, io.env, file);
      const color = io.isTty && flags.color !== false && !io.env.NO_COLOR;
      const ctx = new CommandContext(io, connection, Boolean(flags.json), color, Boolean(flags.yes));
      try {
        const r = await body(ctx, ...args);
        if (typeof r === "number") code = r;
      } finally {
        await ctx.close();
      }
    };
  registerCommands(program, run);
  for (const c of allCommands(program))
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
        return EXIT.ok;
      return EXIT.usage;
    }
    code = exitCodeOf(e);
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) io.err(`vigil: ${msg}\n`);
    else if (isUnavailable(e)) io.err(`vigil: cannot reach Redis: ${msg}\n`);
    else io.err(`vigil: ${msg}\n`);
  }
  return code;
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}
