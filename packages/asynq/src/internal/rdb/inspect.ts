// Queue-level reads of the Inspector against Redis: queue names, existence, current stats with
// memory usage, daily history and groups (spec §10, §15.1). Task lists live in inspect-tasks.ts.
import type { DailyStats, GroupInfo, QueueInfo } from "../../inspector-types.js";
import * as keys from "../base/keys.js";
import { type Clock, unixNanos, utcDate } from "../clock.js";
import { type RedisConnection, type Reply, replyArray, replyInt, replyString, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Tasks sampled per list, zset and group by the memory estimate (as Go). */
const MEMORY_SAMPLE_SIZE = 20;
/** Groups sampled by the memory estimate (as Go). */
const MEMORY_GROUP_SAMPLES = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Every queue name in `asynq:queues`, sorted. */
export async function listQueues(redis: RedisConnection): Promise<string[]> {
  const names = await redis.smembers(keys.allQueues);
  return names.sort();
}

/** True when `queue` is in `asynq:queues`. */
export async function queueExists(redis: RedisConnection, queue: string): Promise<boolean> {
  return (await redis.sismember(keys.allQueues, queue)) === 1;
}

function text(r: Reply): string {
  return replyString(r) ?? "0";
}

/** A counter's value; text that is not a number (a damaged key) counts as 0 rather than NaN. */
function count(r: Reply | undefined): number {
  const n = Number(text(r ?? null));
  return Number.isFinite(n) ? n : 0;
}

/** Counts, counters and latency of one queue (the queue's existence is not checked here). */
export async function currentStats(redis: RedisConnection, queue: string, clock: Clock): Promise<QueueInfo> {
  const nowMs = clock.nowMs();
  const today = utcDate(nowMs);
  const statsKeys = [
    keys.pendingKey(queue),
    keys.activeKey(queue),
    keys.scheduledKey(queue),
    keys.retryKey(queue),
    keys.archivedKey(queue),
    keys.completedKey(queue),
    keys.processedKey(queue, today),
    keys.failedKey(queue, today),
    keys.processedTotalKey(queue),
    keys.failedTotalKey(queue),
    keys.pausedKey(queue),
    keys.allGroups(queue),
  ];
  const stats = runScript(redis, scripts.queueStats, statsKeys, [
    keys.taskKeyPrefix(queue),
    keys.groupKeyPrefix(queue),
  ]);
  const [reply, memory] = await Promise.all([stats, memoryUsage(redis, queue)]);
  const r = replyArray(reply);
  const n = (i: number): number => replyInt(r[i] ?? null);
  const sinceText = text(r[11] ?? null);
  const pendingSince = /^\d{1,20}$/.test(sinceText) ? BigInt(sinceText) : 0n;
  const latencyNs = pendingSince > 0n ? unixNanos(clock) - pendingSince : 0n;
  const info: QueueInfo = {
    queue,
    memoryUsage: memory,
    latencyMs: latencyNs > 0n ? Number(latencyNs / 1_000_000n) : 0,
    size: 0,
    groups: n(12),
    pending: n(0),
    active: n(1),
    scheduled: n(2),
    retry: n(3),
    archived: n(4),
    completed: n(5),
    aggregating: n(13),
    processed: count(r[6]),
    failed: count(r[7]),
    processedTotal: count(r[8]),
    failedTotal: count(r[9]),
    paused: n(10) === 1,
    timestamp: new Date(nowMs),
  };
  info.size =
    info.pending + info.active + info.scheduled + info.retry + info.archived + info.completed + info.aggregating;
  return info;
}

/** Approximate bytes used by one queue (sampled; never fails on dangling ids or empty groups). */
export async function memoryUsage(redis: RedisConnection, queue: string): Promise<number> {
  const reply = await runScript(
    redis,
    scripts.memoryUsage,
    [
      keys.activeKey(queue),
      keys.pendingKey(queue),
      keys.scheduledKey(queue),
      keys.retryKey(queue),
      keys.archivedKey(queue),
      keys.completedKey(queue),
      keys.allGroups(queue),
    ],
    [keys.taskKeyPrefix(queue), MEMORY_SAMPLE_SIZE, MEMORY_GROUP_SAMPLES, keys.groupKeyPrefix(queue)],
  );
  return replyInt(reply);
}

/** Processed/failed counts of the last `days` UTC days, today first. */
export async function dailyStats(
  redis: RedisConnection,
  queue: string,
  days: number,
  clock: Clock,
): Promise<DailyStats[]> {
  const nowMs = clock.nowMs();
  const dates = Array.from({ length: days }, (_, i) => utcDate(nowMs - i * DAY_MS));
  const statKeys = dates.flatMap((d) => [keys.processedKey(queue, d), keys.failedKey(queue, d)]);
  const r = replyArray(await runScript(redis, scripts.dailyStats, statKeys, []));
  return dates.map((date, i) => ({
    queue,
    date,
    processed: count(r[2 * i]),
    failed: count(r[2 * i + 1]),
  }));
}

/** Groups of a queue with their sizes, sorted by name. */
export async function groupStats(redis: RedisConnection, queue: string): Promise<GroupInfo[]> {
  const r = replyArray(
    await runScript(redis, scripts.groupStats, [keys.allGroups(queue)], [keys.groupKeyPrefix(queue)]),
  );
  const out: GroupInfo[] = [];
  for (let i = 0; i + 1 < r.length; i += 2) out.push({ group: text(r[i]!), size: replyInt(r[i + 1]!) });
  return out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}
