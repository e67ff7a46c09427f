// Every Redis key and channel Vigil touches, built in one place (spec §2, design §2).
// Per-queue keys carry the `{queue}` hash tag so one queue lives in one Redis Cluster slot.
import { createHash } from "node:crypto";

/** Set of every known queue name (SET). */
export const allQueues = "asynq:queues";
/** Heartbeating servers: member = server info key, score = expiry unix s (ZSET). */
export const allServers = "asynq:servers";
/** Heartbeating servers' worker hashes: member = workers key, score = expiry unix s (ZSET). */
export const allWorkers = "asynq:workers";
/** Heartbeating schedulers: member = entries key, score = expiry unix s (ZSET). */
export const allSchedulers = "asynq:schedulers";
/** Pub/Sub channel whose messages are task ids to cancel. */
export const cancelChannel = "asynq:cancel";

/** Prefix shared by every key of queue `q`: `asynq:{q}:`. */
export function queuePrefix(q: string): string {
  return `asynq:{${q}}:`;
}
/** Prefix of task hashes of queue `q`: `asynq:{q}:t:`. */
export function taskKeyPrefix(q: string): string {
  return `${queuePrefix(q)}t:`;
}
/** Task hash (HASH: msg, state, pending_since, unique_key, group, result). */
export function taskKey(q: string, id: string): string {
  return `${taskKeyPrefix(q)}${id}`;
}
/** Pending task ids (LIST; LPUSH new, RPOPLPUSH to dequeue). */
export function pendingKey(q: string): string {
  return `${queuePrefix(q)}pending`;
}
/** Active task ids (LIST). */
export function activeKey(q: string): string {
  return `${queuePrefix(q)}active`;
}
/** Leases of active tasks: score = lease expiry unix s (ZSET). */
export function leaseKey(q: string): string {
  return `${queuePrefix(q)}lease`;
}
/** Scheduled tasks: score = process-at unix s (ZSET). */
export function scheduledKey(q: string): string {
  return `${queuePrefix(q)}scheduled`;
}
/** Retry tasks: score = retry-at unix s (ZSET). */
export function retryKey(q: string): string {
  return `${queuePrefix(q)}retry`;
}
/** Archived tasks: score = archive time unix s (ZSET). */
export function archivedKey(q: string): string {
  return `${queuePrefix(q)}archived`;
}
/** Completed tasks: score = expiry unix s (completed_at + retention) (ZSET). */
export function completedKey(q: string): string {
  return `${queuePrefix(q)}completed`;
}
/** Paused flag: value = unix s when paused (STRING). */
export function pausedKey(q: string): string {
  return `${queuePrefix(q)}paused`;
}
/** All-time processed counter (STRING integer). */
export function processedTotalKey(q: string): string {
  return `${queuePrefix(q)}processed`;
}
/** All-time failed counter (STRING integer). */
export function failedTotalKey(q: string): string {
  return `${queuePrefix(q)}failed`;
}
/** Daily processed counter for a UTC date `YYYY-MM-DD` (STRING integer, 90-day EXPIREAT). */
export function processedKey(q: string, utcDate: string): string {
  return `${queuePrefix(q)}processed:${utcDate}`;
}
/** Daily failed counter for a UTC date `YYYY-MM-DD` (STRING integer, 90-day EXPIREAT). */
export function failedKey(q: string, utcDate: string): string {
  return `${queuePrefix(q)}failed:${utcDate}`;
}
/** Names of groups with aggregating tasks (SET). */
export function allGroups(q: string): string {
  return `${queuePrefix(q)}groups`;
}
/** Prefix of group zsets: `asynq:{q}:g:`. */
export function groupKeyPrefix(q: string): string {
  return `${queuePrefix(q)}g:`;
}
/** Tasks waiting in group `g`: score = time added unix s (ZSET). */
export function groupKey(q: string, g: string): string {
  return `${groupKeyPrefix(q)}${g}`;
}
/** An aggregation set taken out of group `g` (ZSET). */
export function aggregationSetKey(q: string, g: string, setId: string): string {
  return `${groupKey(q, g)}:${setId}`;
}
/** Aggregation sets in flight: member = set key, score = deadline unix s (ZSET). */
export function allAggregationSets(q: string): string {
  return `${queuePrefix(q)}aggregation_sets`;
}
/**
 * Uniqueness lock (STRING holding the owning task id, EX = unique TTL).
 * `asynq:{q}:unique:<type>:<md5 hex of payload>`; a nil payload leaves the checksum empty.
 */
export function uniqueKey(q: string, type: string, payload: Uint8Array | null | undefined): string {
  const sum = payload == null ? "" : createHash("md5").update(payload).digest("hex");
  return `${queuePrefix(q)}unique:${type}:${sum}`;
}
/** Server heartbeat (STRING ServerInfo protobuf, TTL 10 s). */
export function serverInfoKey(host: string, pid: number, serverId: string): string {
  return `asynq:servers:{${host}:${pid}:${serverId}}`;
}
/** In-flight tasks of a server: field = task id, value = WorkerInfo protobuf (HASH, TTL 10 s). */
export function workersKey(host: string, pid: number, serverId: string): string {
  return `asynq:workers:{${host}:${pid}:${serverId}}`;
}
/** A scheduler's entries (LIST of SchedulerEntry protobuf). `schedulerId` = `host:pid:uuid`. */
export function schedulerEntriesKey(schedulerId: string): string {
  return `asynq:schedulers:{${schedulerId}}`;
}
/** Enqueue events of one cron entry: member = SchedulerEnqueueEvent protobuf, score = unix s (ZSET). */
export function schedulerHistoryKey(entryId: string): string {
  return `asynq:scheduler_history:${entryId}`;
}

/** Prefix of Vigil's own per-queue data: `vigil:{q}:` (same hash tag as the queue's asynq keys). */
export function vigilQueuePrefix(q: string): string {
  return `vigil:{${q}}:`;
}
/**
 * Pub/Sub channel `vigil:{q}:wake`: Vigil publishes on it whenever a task becomes pending in queue `q`
 * (enqueue, forward, requeue), so idle Vigil servers pick it up at once. Payload ignored; Go ignores the channel.
 */
export function wakeChannel(q: string): string {
  return `${vigilQueuePrefix(q)}wake`;
}

/** Leader lease of a highly available scheduler group (STRING holding the leader's scheduler id, PX). */
export function schedulerLeaderKey(group: string): string {
  return `vigil:cron:leader:${group}`;
}
/** Claim of one cron tick of one entry, so replicas enqueue it exactly once (STRING, EX 2 days). */
export function cronFireKey(entryId: string, tickUnixSeconds: number): string {
  return `vigil:cron:fire:${entryId}:${tickUnixSeconds}`;
}
/**
 * Durable run log of one cron entry (ZSET, score = enqueue epoch ms, member = JSON
 * `{taskId, queue, tickMs, manual}`), capped; unlike Go's history it survives scheduler restarts.
 */
export function cronRunsKey(entryId: string): string {
  return `vigil:cron:runs:${entryId}`;
}
/** Last tick (epoch ms) each entry fired for, for the catch-up policy (HASH entry id → ms). */
export const cronLastFire = "vigil:cron:last";
/** Every cron entry the monitor has seen, Go or Vigil (HASH entry id → JSON snapshot with lastSeenMs). */
export const cronKnownEntries = "vigil:cron:known";
/**
 * Run history of a queue: every finished attempt (ZSET, score = finish epoch ms, member = JSON
 * `{taskId, type, queue, startMs, durationMs, outcome, error}`), capped by count and age.
 */
export function runHistoryKey(q: string): string {
  return `${vigilQueuePrefix(q)}runs`;
}
/** Log lines of one task written with `ctx.log` (STREAM; fields ts, level, msg, fields, retried; capped, TTL). */
export function taskLogKey(q: string, id: string): string {
  return `${vigilQueuePrefix(q)}logs:${id}`;
}
/** Prefix of checkpoint keys of queue `q`: `vigil:{q}:checkpoint:` (scripts append task ids). */
export function checkpointKeyPrefix(q: string): string {
  return `${vigilQueuePrefix(q)}checkpoint:`;
}
/** Last progress checkpoint of one task (STRING, JSON `{state, savedAtMs, retryCount}`, TTL). */
export function checkpointKey(q: string, id: string): string {
  return `${checkpointKeyPrefix(q)}${id}`;
}
/**
 * Sliding-window log of one shared rate limit (ZSET, score = start or reserved slot, epoch ms of Redis time;
 * member `<taskId>` = a reserved slot not used yet, `<taskId>@<ms>` = a start). A limit of one queue, or of one
 * type within one queue: `vigil:{q}:rate:queue`, `vigil:{q}:rate:type:<t>`; of one type in every queue:
 * `vigil:rate:type:<t>`.
 */
export function rateLimitKey(scope: { queue?: string | undefined; taskType?: string | undefined }): string {
  const { queue, taskType } = scope;
  if (queue === undefined) return `vigil:rate:type:${taskType ?? ""}`;
  return taskType === undefined
    ? `${vigilQueuePrefix(queue)}rate:queue`
    : `${vigilQueuePrefix(queue)}rate:type:${taskType}`;
}
