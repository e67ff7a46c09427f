// Worker child processes for the kill test: each runs worker.mjs (a Vigil Server from the built dist/) and
// reports its pino JSON lines and a ready line on stdout.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { wallMs, type LogLine } from "./support.js";

/** A worker child process (test/reliability/worker.mjs) and the JSON lines it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed pino lines and the `{ ready }` line of its stdout. */
  readonly lines: LogLine[];
  /** Task id → when its handler last started here (epoch ms), from the `{ start, t }` lines. */
  readonly starts: Map<string, number>;
  /** Resolves once its Server started. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null when killed by a signal) and signal. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What a worker process runs: JSON-able Server options plus the test's recording settings. */
export interface WorkerConfig {
  url: string;
  executionsKey: string;
  /** Random handler work, milliseconds [min, max). */
  workMs: [number, number];
  /** Server options (durations as strings or milliseconds); retryDelayFunc is always `() => retryDelayMs`. */
  server: Record<string, unknown>;
  retryDelayMs: number;
}

const workerScript = fileURLToPath(new URL("./worker.mjs", import.meta.url));

/** Spawns a worker process running a Vigil Server from the built dist/. */
export function spawnWorker(config: WorkerConfig): WorkerProcess {
  const child = spawn(process.execPath, [workerScript, JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const starts = new Map<string, number>();
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  let buf = "";
  child.stdout?.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      try {
        const parsed = JSON.parse(line) as LogLine;
        if (typeof parsed.start === "string") {
          starts.set(parsed.start, Number(parsed.t));
          continue;
        }
        if (parsed.ready !== undefined) readyResolve();
        lines.push(parsed);
      } catch {
        lines.push({ level: 60, time: wallMs(), msg: `unparsed stdout: ${line}` });
      }
    }
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      if (stderr.trim()) lines.push({ level: 60, time: wallMs(), msg: `stderr: ${stderr.trim()}` });
      resolve({ code, signal });
    }),
  );
  if (child.pid === undefined) throw new Error("could not spawn the worker process");
  return { child, pid: child.pid, lines, starts, ready, exit };
}
