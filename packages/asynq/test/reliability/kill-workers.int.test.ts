// Kill test: tasks through 3 worker processes while a random worker is SIGKILLed every 1-3 s and respawned;
// no task is lost, and re-executions stay within what the killed workers had in flight (spec §6.3, §6.9).
// Twice: 5,000 long tasks (50-250 ms: Go's one-task-per-slot fetching), and 40,000 short ones (0-10 ms:
// workers fetch ahead, holding up to 4 × concurrency tasks leased).
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "../../src/client.js";
import { Inspector } from "../../src/inspector.js";
import { useTestRedis } from "../support/redis.js";
import { drained, executionsKey, sleep, until, unfinished, wallMs } from "./support.js";
import { spawnWorker, type WorkerProcess } from "./worker-process.js";

const t = useTestRedis();
const WORKERS = 3;
const CONCURRENCY = 8;
/** Kills stop once every task ran at least once, or after this long. */
const KILL_PHASE_MAX_MS = 50_000;
const Q = "default";
/** The workers' lease (leaseDuration), ms. */
const LEASE_MS = 5000;

let workers: WorkerProcess[] = [];
afterEach(async () => {
  for (const w of workers) w.child.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.exit));
  workers = [];
});

const CASES = [
  { name: "long tasks", TASKS: 5000, workMs: [50, 250] as [number, number], leasedPerSlot: 1 },
  { name: "short tasks, fetching ahead", TASKS: 40_000, workMs: [0, 10] as [number, number], leasedPerSlot: 4 },
];

describe.each(CASES)("worker processes killed at random: $name", ({ TASKS, workMs, leasedPerSlot }) => {
  it("finishes every task; duplicates are bounded by the tasks in flight at the kills", async () => {
    const started = performance.now();
    const run = randomUUID();
    const key = executionsKey(run);
    const redis = t.redis();
    const client = new Client(t.url());
    const inspector = new Inspector(t.url());
    try {
      const results = await client.enqueueMany(
        Array.from({ length: TASKS }, (_, i) => ({ type: "work", payload: { i }, options: { queue: Q } })),
      );
      const ids = results.map((r) => r.info?.id);
      expect(ids.every((id) => id !== undefined)).toBe(true);

      const config = {
        url: t.url(),
        executionsKey: key,
        workMs,
        retryDelayMs: 0,
        server: {
          concurrency: CONCURRENCY,
          queues: { [Q]: 1 },
          leaseDuration: LEASE_MS,
          heartbeatInterval: "1s",
          recovererInterval: "1s",
          delayedTaskCheckInterval: "250ms",
          taskCheckInterval: "200ms",
          shutdownTimeout: "2s",
        },
      };
      const slots: WorkerProcess[] = [];
      const spawnInto = (i: number): void => {
        const w = spawnWorker(config);
        slots[i] = w;
        workers.push(w);
      };
      for (let i = 0; i < WORKERS; i++) spawnInto(i);
      await Promise.all(slots.map((w) => w.ready));

      const kills: { atMs: number; wallMs: number; pid: number; executedBefore: number }[] = [];
      const killStart = performance.now();
      for (;;) {
        await sleep(1000 + Math.random() * 2000);
        const executed = await redis.hlen(key);
        if (executed >= TASKS || performance.now() - killStart > KILL_PHASE_MAX_MS) break;
        const i = Math.floor(Math.random() * WORKERS);
        const victim = slots[i]!;
        victim.child.kill("SIGKILL");
        await victim.exit;
        kills.push({
          atMs: Math.round(performance.now() - started),
          wallMs: wallMs(),
          pid: victim.pid,
          executedBefore: executed,
        });
        spawnInto(i);
      }
      const killPhaseMs = performance.now() - killStart;

      const drainStart = performance.now();
      await until(
        "every task executed and the queue drained",
        async () => (await redis.hlen(key)) === TASKS && (await drained(redis, Q)),
        40_000,
      );
      const drainMs = performance.now() - drainStart;

      // Graceful stop of the survivors: each exits 0 (nothing in flight any more).
      for (const w of slots) w.child.kill("SIGTERM");
      const exits = await Promise.all(slots.map((w) => w.exit));
      expect(exits.every((e) => e.code === 0)).toBe(true);

      const counts = Object.values(await redis.hgetall(key)).map(Number);
      const duplicates = counts.reduce((sum, c) => sum + (c - 1), 0);
      // In flight on a worker: the tasks it holds leased (running, or fetched ahead and waiting for a slot).
      const bound = kills.length * CONCURRENCY * leasedPerSlot;
      const info = await inspector.getQueueInfo(Q);
      const recovered = info.failedTotal;
      const lines = workers.flatMap((w) => w.lines);
      const recoveredLogged = lines.filter((l) => String(l.msg).startsWith("recovered task with expired lease"));
      const latencies: number[] = [];
      const fromLiveWorkers: string[] = [];
      for (const l of recoveredLogged) {
        const taskId = String(l.taskId);
        // The worker that last started this task at least a lease before its recovery held it (a lease expired
        // by the recoverer's allowance is older than that; a later start is the re-run after the recovery).
        let holder: WorkerProcess | undefined;
        let startedAt = -Infinity;
        for (const w of workers) {
          const at = w.starts.get(taskId);
          if (at !== undefined && at <= l.time - LEASE_MS && at > startedAt) [holder, startedAt] = [w, at];
        }
        if (!holder) continue; // dequeued by a worker killed before its handler started
        const kill = kills.find((k) => k.pid === holder.pid);
        if (kill) latencies.push(l.time - kill.wallMs);
        else fromLiveWorkers.push(taskId);
      }
      latencies.sort((a, b) => a - b);
      const abandoned = lines.filter((l) => String(l.msg).includes("abandoned without writes"));
      const errors = lines.filter((l) => l.level >= 50);
      const figures = {
        tasks: TASKS,
        workers: WORKERS,
        concurrency: CONCURRENCY,
        kills: kills.length,
        duplicates,
        bound,
        recovered,
        recoveredLogged: recoveredLogged.length,
        recoveryAfterKillMs: {
          min: latencies[0],
          median: latencies[Math.floor(latencies.length / 2)],
          max: latencies[latencies.length - 1],
        },
        abandonedByLeaseLag: abandoned.length,
        errorLines: errors.length,
        killPhaseS: +(killPhaseMs / 1000).toFixed(1),
        drainS: +(drainMs / 1000).toFixed(1),
        wallS: +((performance.now() - started) / 1000).toFixed(1),
      };
      console.log(`kill test figures: ${JSON.stringify(figures)}`);
      if (errors.length > 0) console.log(errors.slice(0, 10));

      // Nothing lost: every task ran, nothing waits, runs or is held by a lease, no task record is left.
      expect(counts).toHaveLength(TASKS);
      expect(await unfinished(redis, Q)).toEqual({ pending: 0, active: 0, retry: 0, scheduled: 0, lease: 0 });
      expect(info).toMatchObject({ size: 0, archived: 0, completed: 0 });
      // Each task was finished exactly once: a done per task; every recovery counts as one failed attempt.
      expect(info.processedTotal - info.failedTotal).toBe(TASKS);
      // Re-executions need a recovery, and a recovery needs a task in flight on a killed worker.
      expect(kills.length).toBeGreaterThanOrEqual(5);
      expect(duplicates).toBeLessThanOrEqual(recovered);
      expect(recovered).toBeLessThanOrEqual(bound);
      // Only dead workers' tasks were recovered: live workers kept their leases (heartbeat 1 s, lease 5 s).
      expect(fromLiveWorkers).toEqual([]);
      expect(abandoned).toEqual([]);
    } finally {
      await client.close();
      await inspector.close();
    }
  }, 120_000);
});
