// A Vigil Scheduler leaves Redis as Go's scheduler did (scheduler_heartbeat_and_enqueue, scheduler_shutdown).
import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { Scheduler } from "../../src/scheduler.js";
import { Task } from "../../src/task.js";
import { SimulatedClock } from "../../src/internal/clock.js";
import { compareDumps } from "../support/compare-dump.js";
import { loadTransition } from "../support/fixtures.js";
import { dumpRedis, loadDump } from "../support/scene.js";
import { useTestRedis } from "../support/redis.js";

const t = useTestRedis();
const vigilKeys = (k: string) => k.startsWith("vigil:");

interface FixtureEntry {
  spec: string;
  task_type: string;
  payload: string;
  options: { option: string; value: unknown }[];
}

function optionsOf(e: FixtureEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const opt of e.options) {
    const name = opt.option.slice(0, opt.option.indexOf("("));
    const v = opt.value as { seconds?: number };
    if (name === "Queue") o.queue = opt.value;
    else if (name === "MaxRetry") o.maxRetry = opt.value;
    else if (name === "Timeout") o.timeout = v.seconds! * 1000;
    else if (name === "Retention") o.retention = v.seconds! * 1000;
    else throw new Error(`option ${opt.option} not mapped`);
  }
  return o;
}

async function runLikeGo(file: string) {
  const tr = loadTransition(file);
  await loadDump(t.redis(), tr.before);
  const clock = new SimulatedClock(tr.timing.op_started_ms!);
  const v026 = file.includes("v0.26.0");
  const s = new Scheduler(t.url(), {
    clock,
    heartbeatInterval: v026 ? "10s" : "5s",
    logger: pino({ level: "silent" }),
  });
  const entries = (tr.operation.entries ?? []) as FixtureEntry[];
  for (const e of entries) s.register(e.spec, new Task(e.task_type, e.payload), optionsOf(e));
  return { tr, clock, s };
}

describe("Scheduler vs Go", () => {
  it.each(["scheduler_heartbeat_and_enqueue.v0.24.1", "scheduler_heartbeat_and_enqueue.v0.26.0"])(
    "%s: entries, enqueued task and history match Go's",
    async (file) => {
      const { tr, clock, s } = await runLikeGo(file);
      try {
        await s.heartbeat();
        // Go's @every 8s entry first fires at start (truncated to the second) + 8 s.
        const fireAt = Math.floor(tr.timing.op_started_ms! / 1000) * 1000 + 8000;
        clock.set(fireAt + 3);
        const fired = await s.runDue();
        expect(fired.map((f) => f.outcome)).toEqual(["enqueued"]);
        clock.set(tr.timing.after_dump_started_ms!);
        await s.heartbeat();
        const diffs = compareDumps(await dumpRedis(t.redis()), tr.after, {
          opMs: tr.timing.op_started_ms!,
          expectedOpMs: tr.timing.op_started_ms!,
          ignoreKey: vigilKeys,
        });
        if (file.endsWith("v0.24.1")) {
          // Deliberate: Vigil publishes entries with a TTL of twice the beat (Go v0.25.1+), so the list never
          // lapses between beats as it did with v0.24's TTL = interval. Nothing else may differ.
          expect(diffs).toHaveLength(2);
          expect(diffs[0]).toMatch(
            /^asynq:schedulers\[0\]\.score: time \d+ \(T\+20\.0s\) vs expected \d+ \(T\+15\.0s\)$/,
          );
          expect(diffs[1]).toMatch(/^asynq:schedulers:\{<host>:<pid>:<uuid>\}: ttl 9\.\d+s vs expected 4\.\d+s$/);
        } else expect(diffs).toEqual([]);
      } finally {
        await s.shutdown();
      }
    },
  );

  it.each(["v0.24.1", "v0.26.0"])(
    "scheduler_shutdown.%s: shutdown removes the heartbeat, the entries and their history; the task stays",
    async (version) => {
      const { tr, clock, s } = await runLikeGo(`scheduler_heartbeat_and_enqueue.${version}`);
      await s.heartbeat();
      clock.set(Math.floor(tr.timing.op_started_ms! / 1000) * 1000 + 8003);
      await s.runDue();
      await s.shutdown();
      const after = loadTransition(`scheduler_shutdown.${version}`).after;
      // Line the two timelines up on the moment each scheduler fired its task.
      const goTask = Object.values(after.keys).find((k) => k.asynq_kind === "task")!;
      const goFiredMs = Number((goTask.value as Record<string, string>).pending_since) / 1e6;
      const diffs = compareDumps(await dumpRedis(t.redis()), after, {
        opMs: clock.nowMs(),
        expectedOpMs: goFiredMs,
        ignoreKey: vigilKeys,
      });
      expect(diffs).toEqual([]);
    },
  );
});
