// An in-memory CliIo for tests: captures stdout/stderr, feeds stdin, answers prompts, fixed environment.
import { SimulatedClock, type Clock } from "@vigil/asynq";
import type { CliIo } from "../src/io.js";
import { runCli } from "../src/cli.js";

/** Captured output of one run. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of a captured run. */
export interface CaptureOptions {
  env?: Record<string, string | undefined>;
  stdin?: Buffer | string;
  tty?: boolean;
  confirm?: boolean;
  clock?: Clock;
}

/** Builds a CliIo that records what a command prints. */
export function captureIo(o: CaptureOptions = {}): { io: CliIo; out: string[]; err: string[]; asked: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  return {
    out,
    err,
    asked,
    io: {
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
      readStdin: async () => Buffer.from(o.stdin ?? ""),
      confirm: async (q) => {
        asked.push(q);
        return o.confirm ?? false;
      },
      env: o.env ?? {},
      isTty: o.tty ?? false,
      clock: o.clock ?? { nowMs: () => Date.now() },
    },
  };
}

/** Runs `vigil <argv>` in-process and returns exit code and output. */
export async function vigil(argv: string[], o: CaptureOptions = {}): Promise<Captured> {
  const c = captureIo(o);
  const code = await runCli(argv, c.io);
  return { code, stdout: c.out.join(""), stderr: c.err.join("") };
}

export { SimulatedClock };
