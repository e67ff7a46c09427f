// Process entry of `vigil`: real IO and clock around runCli.
import { systemClock } from "@vigil/asynq";
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

/** Runs `vigil` on the real process and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `vigil ... | head` closes the pipe early: that is not an error, stop quietly.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  return runCli(argv, processIo(systemClock));
}
