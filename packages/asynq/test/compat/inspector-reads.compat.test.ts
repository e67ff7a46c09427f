// Our Inspector reads the Redis scenes written by Go asynq (v0.24.1, v0.26.0) and reports what Go's own
// Inspector reported about them (inspect.json), field by field.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  Inspector,
  SimulatedClock,
  isCorruptEntry,
  isCorruptTaskInfo,
  type CorruptTaskInfo,
  type TaskInfo,
} from "../../src/index.js";
import { loadInspect, loadScene, sceneVersions } from "../support/fixtures.js";
import { useTestRedis } from "../support/redis.js";
import { loadDump } from "../support/scene.js";

const t = useTestRedis();

type Json = Record<string, unknown>;
type GoTask = Json & { id: string; state: string; next_process_at: string | null };

/** Go RFC 3339 (ns precision) → our ISO string at ms precision; null stays null. */
function goTime(s: unknown): string | null {
  if (s === null) return null;
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(String(s))!;
  return new Date(`${m[1]}.${(m[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`).toISOString();
}
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Bytes as inspect.json writes them: UTF-8 text, or {base64} when not clean text; empty/absent → null. */
function goBytes(b: Uint8Array | null): unknown {
  if (b === null || b.length === 0) return null;
  const buf = Buffer.from(b);
  const s = buf.toString("utf8");
  // eslint-disable-next-line no-control-regex
  return Buffer.from(s, "utf8").equals(buf) && !/[\u0000-\u001f\u007f]/.test(s)
    ? s
    : { base64: buf.toString("base64") };
}

/** Our TaskInfo in inspect.json's shape, times at ms precision. */
function asGo(x: TaskInfo | CorruptTaskInfo): Json {
  if (isCorruptTaskInfo(x)) throw new Error(`unexpected corrupt task ${x.id}: ${x.reason}`);
  return {
    completed_at: iso(x.completedAt),
    deadline: iso(x.deadline),
    group: x.group,
    headers: Object.keys(x.headers).length > 0 ? x.headers : null,
    id: x.id,
    is_orphaned: x.isOrphaned,
    last_err: x.lastErr,
    last_failed_at: iso(x.lastFailedAt),
    max_retry: x.maxRetry,
    next_process_at: iso(x.nextProcessAt),
    payload: goBytes(x.payload),
    queue: x.queue,
    result: goBytes(x.result),
    retention_seconds: x.retentionSeconds,
    retried: x.retried,
    state: x.state,
    timeout_seconds: x.timeoutSeconds,
    type: x.type,
  };
}

/** inspect.json's task at ms precision; a pending task's next_process_at (Go's "now") becomes ours. */
function expected(task: GoTask, now: Date): Json {
  const times = ["completed_at", "deadline", "last_failed_at", "next_process_at"];
  const out: Json = { ...task };
  for (const f of times) out[f] = goTime(task[f]);
  if (task.state === "pending") {
    expect(Math.abs(new Date(goTime(task.next_process_at)!).getTime() - now.getTime())).toBeLessThan(1000);
    out.next_process_at = now.toISOString();
  }
  return out;
}

describe.each(sceneVersions)("Inspector reads the Go $version scene", ({ dir }) => {
  const scene = loadScene(dir);
  const want = loadInspect(dir) as Json & {
    queues: string[];
    queue_info: Record<string, Json>;
    groups: Record<string, Json[]>;
    tasks: Record<string, Record<string, GoTask[] | Record<string, GoTask[]>>>;
    history: Record<string, Json[]>;
    servers: (Json & { active_workers: Json[] })[];
    scheduler_entries: Json[];
    scheduler_enqueue_events: Record<string, Json[]>;
  };
  const queues = want.queues;
  let clock: SimulatedClock;
  let inspector: Inspector;

  beforeEach(async () => {
    await loadDump(t.redis(), scene);
    clock = new SimulatedClock(scene.meta.taken_at_unix_ms + 50);
    inspector = new Inspector(t.connection(), { clock });
  });
  afterEach(async () => {
    await inspector.close();
  });

  it("lists the queues", async () => {
    expect(await inspector.queues()).toEqual([...want.queues].sort());
  });

  it.each(queues)("reports queue info of %s", async (q) => {
    const got = await inspector.getQueueInfo(q);
    const goInfo = want.queue_info[q]!;
    const goNow = new Date(goTime(goInfo.timestamp)!).getTime();
    const { latency_ms, memory_usage, timestamp, ...exact } = goInfo;
    void timestamp;
    expect({
      queue: got.queue,
      size: got.size,
      groups: got.groups,
      pending: got.pending,
      active: got.active,
      scheduled: got.scheduled,
      retry: got.retry,
      archived: got.archived,
      completed: got.completed,
      aggregating: got.aggregating,
      processed: got.processed,
      failed: got.failed,
      processed_total: got.processedTotal,
      failed_total: got.failedTotal,
      paused: got.paused,
    }).toEqual(exact);
    expect(got.timestamp.getTime()).toBe(clock.nowMs());
    // Latency is measured at "now": Go's number shifted by the difference between the two clocks.
    expect(Math.abs(got.latencyMs - ((latency_ms as number) + clock.nowMs() - goNow))).toBeLessThanOrEqual(2);
    // The fixtures were taken on Redis 7.0.15: on that version the estimate is byte-identical; other
    // versions (REDIS_URL) and cluster mode allocate differently, so only the order of magnitude is checked there.
    const version = /redis_version:(\S+)/.exec(await t.redis().info("server"))?.[1];
    if (version === scene.meta.redis_version && !t.cluster) expect(got.memoryUsage).toBe(memory_usage);
    else expect(Math.abs(got.memoryUsage / (memory_usage as number) - 1)).toBeLessThan(0.5);
  });

  it.each(queues)("lists the groups of %s", async (q) => {
    expect(await inspector.groups(q)).toEqual(want.groups[q]);
  });

  it.each(queues)("lists every task of %s in every state, and reads each back by id", async (q) => {
    const goTasks = want.tasks[q]!;
    const now = new Date(clock.nowMs());
    const lists: Record<string, (TaskInfo | CorruptTaskInfo)[]> = {
      pending: await inspector.listPendingTasks(q),
      active: await inspector.listActiveTasks(q),
      scheduled: await inspector.listScheduledTasks(q),
      retry: await inspector.listRetryTasks(q),
      archived: await inspector.listArchivedTasks(q),
      completed: await inspector.listCompletedTasks(q),
    };
    for (const g of Object.keys(goTasks.aggregating as Record<string, GoTask[]>)) {
      lists[`aggregating:${g}`] = await inspector.listAggregatingTasks(q, g);
    }
    const wantLists: Record<string, GoTask[]> = {};
    for (const [state, v] of Object.entries(goTasks)) {
      if (Array.isArray(v)) wantLists[state] = v;
      else for (const [g, list] of Object.entries(v)) wantLists[`aggregating:${g}`] = list;
    }
    expect(Object.keys(lists).sort()).toEqual(Object.keys(wantLists).sort());
    for (const [name, list] of Object.entries(lists)) {
      expect(list.map(asGo), `${q} ${name}`).toEqual(wantLists[name]!.map((x) => expected(x, now)));
      for (const task of list) {
        const one = await inspector.getTaskInfo(q, task.id);
        expect(asGo(one), `${q} ${name} ${task.id}`).toEqual(asGo(task));
      }
    }
  });

  it.each(queues)("reports 7 days of history for %s, today first", async (q) => {
    const got = await inspector.history(q, 7);
    expect(got).toEqual(want.history[q]);
  });

  it("lists the live server with its active workers", async () => {
    const got = await inspector.servers();
    const expectedServers = want.servers.map((s) => ({
      id: s.id,
      host: s.host,
      pid: s.pid,
      concurrency: s.concurrency,
      queues: s.queues,
      strictPriority: s.strict_priority,
      started: goTime(s.started),
      status: s.status,
      activeWorkers: s.active_workers.map((w) => ({
        taskId: w.task_id,
        taskType: w.task_type,
        taskPayload: w.task_payload,
        queue: w.queue,
        started: goTime(w.started),
        deadline: goTime(w.deadline),
      })),
    }));
    const actual = got.map((s) => {
      if (isCorruptEntry(s)) throw new Error(`corrupt ${s.key}: ${s.reason}`);
      return {
        ...s,
        started: iso(s.started),
        activeWorkers: s.activeWorkers.map((w) => ({
          ...w,
          taskPayload: goBytes(w.taskPayload),
          started: iso(w.started),
          deadline: iso(w.deadline),
        })),
      };
    });
    expect(actual).toEqual(expectedServers);
  });

  it("lists the scheduler entries with their option strings parsed back, and their enqueue events", async () => {
    const got = await inspector.schedulerEntries();
    const actual = got.map((e) => {
      if (isCorruptEntry(e)) throw new Error(`corrupt ${e.key}: ${e.reason}`);
      return {
        id: e.id,
        next: iso(e.next),
        opts: e.optionStrings,
        prev: iso(e.prev),
        spec: e.spec,
        task_payload: goBytes(e.taskPayload),
        task_type: e.taskType,
      };
    });
    // Go rewrites the entries list in random order every beat; ours come soonest next run first.
    const expectedEntries = want.scheduler_entries
      .map((e) => ({ ...e, next: goTime(e.next), prev: goTime(e.prev) }))
      .sort((a, b) => a.next!.localeCompare(b.next!));
    expect(actual).toEqual(expectedEntries);

    const options = Object.fromEntries(got.map((e) => (isCorruptEntry(e) ? [] : [e.taskType, e.options])));
    expect(options).toEqual({
      crawl_tiktok: { queue: "default", maxRetry: 3, timeout: 300_000 },
      snapshot_daily: { queue: "low", retention: 86_400_000 },
      budget_check: { queue: "critical", unique: 600_000 },
    });

    for (const [entryId, events] of Object.entries(want.scheduler_enqueue_events)) {
      const list = await inspector.listSchedulerEnqueueEvents(entryId);
      const mapped = list.map((ev) => {
        if (isCorruptEntry(ev)) throw new Error(`corrupt ${ev.key}: ${ev.reason}`);
        return { enqueued_at: iso(ev.enqueuedAt), task_id: ev.taskId };
      });
      expect(mapped, entryId).toEqual(events.map((ev) => ({ ...ev, enqueued_at: goTime(ev.enqueued_at) })));
    }
  });
});
