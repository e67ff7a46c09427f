// Shared pieces of the reliability tests: a test-data key, captured pino lines, queue-state reads, waiting helpers,
// the options of in-process servers under test and a producer that keeps the ids Redis acknowledged.
import type { ChildProcess } from "node:child_process";
import type { Redis } from "ioredis";
import { pino, type Logger } from "pino";
import type { Client } from "../../src/client.js";
import * as keys from "../../src/internal/base/keys.js";

/** Redis key (test data, not asynq's) of the hash task id → number of handler executions of one run. */
export function executionsKey(run: string): string {
  return `vigil-test:{reliability}:executions:${run}`;
}

/** One captured pino line. */
export type LogLine = Record<string, unknown> & { msg?: string; level: number; time: number };

/** A debug-level pino logger whose JSON lines are parsed into `lines`. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

/** Milliseconds since the epoch (tests may read the wall clock; the library uses its Clock). */
export const wallMs = (): number => Date.now();

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts of the unfinished states of a queue, read straight from its keys. */
export async function unfinished(
  redis: Redis,
  queue: string,
): Promise<{ pending: number; active: number; retry: number; scheduled: number; lease: number }> {
  const [pending, active, retry, scheduled, lease] = await Promise.all([
    redis.llen(keys.pendingKey(queue)),
    redis.llen(keys.activeKey(queue)),
    redis.zcard(keys.retryKey(queue)),
    redis.zcard(keys.scheduledKey(queue)),
    redis.zcard(keys.leaseKey(queue)),
  ]);
  return { pending, active, retry, scheduled, lease };
}

/** True when nothing of `queue` waits, runs or is due for retry. */
export async function drained(redis: Redis, queue: string): Promise<boolean> {
  const u = await unfinished(redis, queue);
  return u.pending + u.active + u.retry + u.scheduled + u.lease === 0;
}

/** Polls `check` every 50 ms until truthy; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T> | T, timeoutMs: number): Promise<NonNullable<T>> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Resolves when `child` has exited (at once when it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

/** Options of in-process servers under test: short leases, so tasks stranded by an outage are recovered quickly. */
export const serverOptions = {
  concurrency: 4,
  queues: { default: 1 },
  leaseDuration: "5s",
  heartbeatInterval: "1s",
  recovererInterval: "1s",
  delayedTaskCheckInterval: "250ms",
  taskCheckInterval: "200ms",
  shutdownTimeout: "1s",
  retryDelayFunc: () => 0,
};

/**
 * Enqueues tasks of type `work` into `default`, one at a time on `lanes` parallel lanes, until stopped; keeps the
 * ids whose enqueue returned success (acknowledged by Redis) and counts the failed ones.
 */
export function produce(
  client: Client,
  lanes: number,
): { acked: string[]; failed: () => number; stop: () => Promise<void> } {
  const acked: string[] = [];
  let failed = 0;
  let running = true;
  const loops = Array.from({ length: lanes }, async (_, lane) => {
    for (let i = 0; running; i++) {
      try {
        acked.push((await client.enqueue("work", { lane, i }, { queue: "default" })).id);
      } catch {
        failed++;
        await sleep(20);
      }
      await sleep(5);
    }
  });
  return {
    acked,
    failed: () => failed,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
