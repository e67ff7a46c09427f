// Every server-side Go transition fixture (processing outcomes, heartbeats, forwarder, janitor, recoverer,
// aggregator, scheduler writes) replayed as the same storage operation through RedisBroker, compared with `after`.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import type { TaskMessage } from "../../src/internal/base/message.js";
import { SimulatedClock, systemClock } from "../../src/internal/clock.js";
import { RedisBroker } from "../../src/internal/rdb/rdb.js";
import { compareDumps } from "../support/compare-dump.js";
import { loadTransition, transitionFiles, type Transition } from "../support/fixtures.js";
import { useTestRedis } from "../support/redis.js";
import { dumpRedis, kindOf, loadDump } from "../support/scene.js";
import {
  activeIds,
  aggregationSetOf,
  heartbeatOf,
  historyEntryId,
  keysOfKind,
  newTaskMsgs,
  onlyKey,
  schedulerOf,
  serverIdentity,
  taskMsg,
} from "../support/transition-records.js";

const t = useTestRedis();
const Q = "default";
const files = transitionFiles(
  "server_",
  "heartbeat_",
  "forwarder_",
  "janitor_",
  "recoverer_",
  "aggregator_",
  "stats_existing_counters",
  "scheduler_heartbeat_and_enqueue.",
  "scheduler_shutdown.",
);

/** What a case's operation gets: the fixture, our broker, and a way to move our clock to a Go moment. */
interface Ctx {
  tr: Transition;
  broker: RedisBroker;
  /** Sets our clock to the Go moment `goMs`, at the same offset from our operation start. */
  at(goMs: number): void;
  clock: SimulatedClock;
  /** The message of the (one) task active in `before`. */
  active(): TaskMessage;
  /** The error text Go stored for task `id` in `after`. */
  errorText(id: string): string;
}

interface Case {
  op(c: Ctx): Promise<void>;
  /** Leave heartbeat-owned keys out (README: compared by the heartbeat_* cases). */
  ignoreHeartbeat?: boolean;
  /** Extra score tolerance, seconds, for zset keys whose name includes the given text. */
  tolerance?: [string, number];
  /** Differences expected on purpose (Vigil follows v0.25+ where this fixture shows v0.24). */
  expectedDiffs?: () => string[];
}

const heartbeatKinds = new Set(["all_servers_zset", "all_workers_zset", "server_info", "workers_hash"]);
const DEFAULT_RETRY_DELAY_MS = 30_000; // inside Go's first-failure range 15…44 s; ±15 s tolerance below

const done: Case = { op: async (c) => c.broker.done(c.active()), ignoreHeartbeat: true };
const complete: Case = { op: async (c) => c.broker.markAsComplete(c.active()), ignoreHeartbeat: true };
const retry: Case = {
  op: async (c) => {
    const m = c.active();
    const failure = { errorMsg: c.errorText(m.id), isFailure: true };
    await c.broker.retry(m, c.clock.nowMs() + DEFAULT_RETRY_DELAY_MS, failure);
  },
  ignoreHeartbeat: true,
  tolerance: [":retry", 15],
};
const archive: Case = {
  op: async (c) => c.broker.archive(c.active(), c.errorText(c.active().id)),
  ignoreHeartbeat: true,
};

/** Aggregated task of `after`, enqueued with a fresh id, then the set deleted. */
async function enqueueAggregate(c: Ctx, group: string, setId: string): Promise<void> {
  const [aggregated] = newTaskMsgs(c.tr);
  await c.broker.enqueue({ ...aggregated!, id: randomUUID() });
  await c.broker.deleteAggregationSet(Q, group, setId);
}

const cases: Record<string, Case> = {
  server_dequeue: {
    op: async (c) => {
      const got = await c.broker.dequeue([Q]);
      expect(got && !("corrupt" in got) && got.msg.id).toBe(c.tr.result.handler_entered_for_task_id);
      await c.broker.writeServerState(heartbeatOf(c.tr.after));
    },
  },
  server_success_done: done,
  server_success_unique: done,
  stats_existing_counters: done,
  "server_revoke_task.v0.26.0": done,
  server_success_retention: complete,
  server_success_unique_retention: complete,
  server_success_retention_with_result: complete,
  server_result_writer: {
    op: async (c) => c.broker.writeResult(Q, c.active().id, Buffer.from(String(c.tr.operation.data))),
    ignoreHeartbeat: true,
  },
  server_failure_retry: retry,
  server_timeout_exceeded: retry,
  server_failure_archive: archive,
  server_failure_retry_exhausted: archive,
  server_skip_retry: archive,
  "server_archive_trims_old.v0.26.0": archive,
  "server_archive_trims_old.v0.24.1": {
    ...archive,
    // v0.24.1 left the trimmed task's hash behind; Vigil deletes it as v0.25+ does.
    expectedDiffs: () => [`missing key ${keys.taskKey(Q, "<uuid>")} (hash)`],
  },
  server_shutdown_requeue: {
    op: async (c) => {
      const id = serverIdentity(c.tr.before);
      await c.broker.requeue(c.active());
      await c.broker.clearServerState(id.host, id.pid, id.serverId);
    },
  },
  server_shutdown_idle: {
    op: async (c) => {
      const id = serverIdentity(c.tr.before);
      await c.broker.clearServerState(id.host, id.pid, id.serverId);
    },
  },
  heartbeat_idle_server: { op: async (c) => c.broker.writeServerState(heartbeatOf(c.tr.after)) },
  heartbeat_server_workers: {
    op: async (c) => {
      const got = await c.broker.dequeue([Q]);
      if (!got || "corrupt" in got) throw new Error("nothing dequeued");
      c.at(c.tr.timing.op_started_ms! + Number(c.tr.result.waited_for_worker_beat_ms));
      await c.broker.writeServerState(heartbeatOf(c.tr.after));
      await c.broker.extendLeases(Q, [got.msg.id]);
    },
  },
  heartbeat_extends_lease: {
    op: async (c) => {
      c.at(c.tr.timing.op_started_ms! + Number(c.tr.result.waited_ms));
      await c.broker.writeServerState(heartbeatOf(c.tr.after));
      await c.broker.extendLeases(Q, activeIds(c.tr.before, Q));
    },
  },
  forwarder_scheduled_to_pending: { op: async (c) => void (await c.broker.forward(Q)), ignoreHeartbeat: true },
  forwarder_retry_to_pending: { op: async (c) => void (await c.broker.forward(Q)), ignoreHeartbeat: true },
  forwarder_scheduled_group: { op: async (c) => void (await c.broker.forward(Q)), ignoreHeartbeat: true },
  janitor_deletes_expired_completed: {
    op: async (c) => expect(await c.broker.deleteExpiredCompletedTasks(Q, 100)).toBe(1),
    ignoreHeartbeat: true,
  },
  recoverer_lease_expired: {
    op: async (c) => {
      c.at(c.tr.timing.op_started_ms! + Number(c.tr.result.recovered_after_server_start_ms));
      const now = c.clock.nowMs();
      const expired = await c.broker.listLeaseExpired([Q], now - 30_000);
      expect(expired).toHaveLength(2);
      const text = "asynq: task lease expired";
      for (const m of expired) {
        if (m.retried >= m.retry) await c.broker.archive(m, text);
        else await c.broker.retry(m, now + DEFAULT_RETRY_DELAY_MS, { errorMsg: text, isFailure: true });
      }
      await c.broker.reclaimStaleAggregationSets(Q);
    },
    ignoreHeartbeat: true,
    tolerance: [":retry", 15],
  },
  recoverer_reclaims_stale_aggregation_set: {
    op: async (c) => c.broker.reclaimStaleAggregationSets(Q),
    ignoreHeartbeat: true,
  },
  aggregator_check_creates_set: {
    op: async (c) => {
      const [group] = await c.broker.listGroups(Q);
      const setId = await c.broker.aggregationCheck(Q, group!, criteria);
      expect(setId).not.toBeNull();
      const set = await c.broker.readAggregationSet(Q, group!, setId!);
      expect(set.msgs).toHaveLength(Number(c.tr.result.aggregator_called_with_tasks));
      expect(set.deadlineMs).toBe((Math.floor(c.clock.nowMs() / 1000) + 120) * 1000);
    },
    ignoreHeartbeat: true,
  },
  aggregator_enqueue_deletes_set: {
    op: async (c) => {
      const { group, setId } = aggregationSetOf(Q, onlyKey(c.tr.before, "aggregation_set"));
      await enqueueAggregate(c, group, setId);
    },
    ignoreHeartbeat: true,
  },
  aggregator_full: {
    op: async (c) => {
      const [group] = await c.broker.listGroups(Q);
      const setId = await c.broker.aggregationCheck(Q, group!, criteria);
      const set = await c.broker.readAggregationSet(Q, group!, setId!);
      const items = JSON.parse(Buffer.from(newTaskMsgs(c.tr)[0]!.payload).toString()).items as unknown[];
      const got = set.msgs.map((m) => JSON.parse(Buffer.from(m.payload).toString()) as unknown);
      expect(got).toEqual(expect.arrayContaining(items));
      expect(got).toHaveLength(items.length);
      await enqueueAggregate(c, group!, setId!);
    },
    ignoreHeartbeat: true,
  },
  "scheduler_heartbeat_and_enqueue.v0.24.1": { op: (c) => schedulerBeat(c, 5) },
  "scheduler_heartbeat_and_enqueue.v0.26.0": { op: (c) => schedulerBeat(c, 20) },
  "scheduler_shutdown.v0.24.1": { op: schedulerShutdown },
  "scheduler_shutdown.v0.26.0": { op: schedulerShutdown },
};

const criteria = { maxSize: 0, maxDelaySeconds: 0, gracePeriodSeconds: 2 };

/** Scheduler: one firing (enqueue + history event) at Go's fire time, then a heartbeat at Go's beat time. */
async function schedulerBeat(c: Ctx, ttlSeconds: number): Promise<void> {
  const historyKey = onlyKey(c.tr.after, "scheduler_history");
  const [event] = c.tr.after.keys[historyKey]!.value as unknown as {
    member: { decoded: { enqueue_time: { iso: string } } };
  }[];
  c.at(Date.parse(event!.member.decoded.enqueue_time.iso));
  const [task] = newTaskMsgs(c.tr);
  const id = randomUUID();
  await c.broker.enqueue({ ...task!, id });
  await c.broker.recordSchedulerEnqueueEvent(historyEntryId(historyKey), {
    taskId: id,
    enqueueTime: new Date(c.clock.nowMs()),
  });
  const [beat] = c.tr.after.keys[keys.allSchedulers]!.value as { score: number }[];
  c.at((beat!.score - ttlSeconds) * 1000);
  const { schedulerId, entries } = schedulerOf(c.tr.after);
  await c.broker.writeSchedulerEntries(schedulerId, entries, ttlSeconds);
}

async function schedulerShutdown(c: Ctx): Promise<void> {
  const { schedulerId, entries } = schedulerOf(c.tr.before);
  // Every history key in `before` belongs to a registered entry.
  const ids = entries.map((e) => e.id);
  expect(ids).toEqual(expect.arrayContaining(keysOfKind(c.tr.before, "scheduler_history").map(historyEntryId)));
  await c.broker.clearSchedulerEntries(schedulerId, ids);
}

describe("server-side transitions through RedisBroker", () => {
  let broker: RedisBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it("has a case for every server-side fixture", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter((f) => !cases[f])).toEqual([]);
  });

  it.each(files)("%s", async (file) => {
    const tr = loadTransition(file);
    const c = cases[file]!;
    await loadDump(t.redis(), tr.before);
    const base = systemClock.nowMs();
    const goOp = tr.timing.op_started_ms!;
    const clock = new SimulatedClock(base);
    broker = new RedisBroker(t.redis().duplicate(), { clock, ownsConnection: true });
    const ctx: Ctx = {
      tr,
      broker,
      clock,
      at: (goMs) => clock.set(base + (goMs - goOp)),
      active: () => {
        const ids = activeIds(tr.before, Q);
        expect(ids).toHaveLength(1);
        return taskMsg(tr.before, Q, ids[0]!);
      },
      errorText: (id) => taskMsg(tr.after, Q, id).errorMsg,
    };
    await c.op(ctx);
    const dump = await dumpRedis(t.redis(), base);
    const ignore = (key: string) => c.ignoreHeartbeat === true && heartbeatKinds.has(kindOf(key));
    for (const key of Object.keys(dump.keys)) if (ignore(key)) delete dump.keys[key];
    const diffs = compareDumps(dump, tr.after, {
      opMs: base,
      expectedOpMs: goOp,
      ignoreKey: ignore,
      scoreTolerance: (key) => (c.tolerance && key.includes(c.tolerance[0]) ? c.tolerance[1] : 0),
    });
    expect(diffs).toEqual(c.expectedDiffs?.() ?? []);
  });
});
