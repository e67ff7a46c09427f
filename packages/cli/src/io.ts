// The CLI's only doors to the outside: output streams, stdin, environment, clock. Tests inject all of them.
import type { Clock } from "@vigil/asynq";

/** Where a command writes and reads. */
export interface CliIo {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /** Reads all of standard input (for payloads and imports). */
  readStdin(): Promise<Buffer>;
  /** Asks a yes/no question on the terminal; false when stdin is not a terminal. */
  confirm(question: string): Promise<boolean>;
  /** Environment variables. */
  env: Record<string, string | undefined>;
  /** True when stdout is a terminal (tables get colour, prompts are possible). */
  isTty: boolean;
  clock: Clock;
}

/** The real process's IO. */
export function processIo(clock: Clock): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    confirm: async (question) => {
      if (!process.stdin.isTTY) return false;
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
    clock,
  };
}
