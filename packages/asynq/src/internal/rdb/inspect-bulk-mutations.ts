// The Inspector's bulk mutations (spec §15.3): run, archive or delete every task in one state of a queue,
// or of one group. Go does each in one script; Vigil works in batches of BULK_BATCH_SIZE ids per script call,
// so a huge set never blocks Redis for long, and reaches the same end state.
import * as keys from "../base/keys.js";
import type { Clock } from "../clock.js";
import {
  archiveTimes,
  ARCHIVE_MAX_SIZE,
  BULK_BATCH_SIZE,
  intReply,
  intsReply,
  requireName,
  requireQueue,
  withOp,
} from "./inspect-mutation-support.js";
import { type RedisConnection, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** A source of a bulk operation: the key, whether it is the pending list, and the group name if any. */
interface Source {
  key: string;
  list: boolean;
  group: string;
}

const zsetSource = (key: string): Source => ({ key, list: false, group: "" });
const groupSource = (queue: string, group: string): Source => ({
  key: keys.groupKey(queue, group),
  list: false,
  group,
});

/**
 * Runs one bulk step script until a call takes fewer than BULK_BATCH_SIZE ids, or until it has made
 * enough calls for the source's size when the operation started (so tasks that keep arriving while it
 * runs cannot keep it going forever; like Go's single script, it works on what was there when it began).
 * `step` returns [counted, taken]; the result is the sum of `counted`.
 */
async function inBatches(
  redis: RedisConnection,
  s: Source,
  step: () => Promise<[counted: number, taken: number]>,
): Promise<number> {
  const size = s.list ? await redis.llen(s.key) : await redis.zcard(s.key);
  const maxCalls = Math.floor(size / BULK_BATCH_SIZE) + 1;
  let total = 0;
  for (let call = 1; ; call++) {
    const [counted, taken] = await step();
    total += counted;
    if (taken < BULK_BATCH_SIZE || call >= maxCalls) return total;
  }
}

async function runAll(redis: RedisConnection, op: string, queue: string, src: (q: string) => Source): Promise<number> {
  return withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const s = src(queue);
    const ks = [s.key, keys.pendingKey(queue), keys.allGroups(queue)];
    const args = [keys.taskKeyPrefix(queue), BULK_BATCH_SIZE, s.group];
    return inBatches(redis, s, async () => {
      const [moved, taken] = intsReply(op, await runScript(redis, scripts.inspectRunAll, ks, args), 2);
      return [moved!, taken!];
    });
  });
}

async function archiveAll(
  redis: RedisConnection,
  clock: Clock,
  op: string,
  queue: string,
  src: (q: string) => Source,
): Promise<number> {
  return withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const s = src(queue);
    // One `now` for every batch, so all tasks get the same archived score, as in Go's single script.
    const { now, cutoff } = archiveTimes(clock);
    const ks = [s.key, keys.archivedKey(queue), keys.allGroups(queue)];
    const kind = s.list ? "list" : "zset";
    const args = [keys.taskKeyPrefix(queue), BULK_BATCH_SIZE, now, cutoff, ARCHIVE_MAX_SIZE, kind, s.group];
    return inBatches(redis, s, async () => {
      const [archived, taken] = intsReply(op, await runScript(redis, scripts.inspectArchiveAll, ks, args), 2);
      return [archived!, taken!];
    });
  });
}

async function deleteAll(
  redis: RedisConnection,
  op: string,
  queue: string,
  src: (q: string) => Source,
  releaseLocks: boolean,
): Promise<number> {
  return withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const s = src(queue);
    const ks = [s.key, keys.allGroups(queue)];
    const kind = s.list ? "list" : "zset";
    const args = [keys.taskKeyPrefix(queue), BULK_BATCH_SIZE, kind, releaseLocks ? "1" : "0", s.group];
    return inBatches(redis, s, async () => {
      const taken = intReply(op, await runScript(redis, scripts.inspectDeleteAll, ks, args));
      return [taken, taken];
    });
  });
}

/** Moves every scheduled task of `queue` to pending; returns how many (Go: RunAllScheduledTasks). */
export function runAllScheduledTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return runAll(redis, "inspector.runAllScheduledTasks", queue, (q) => zsetSource(keys.scheduledKey(q)));
}

/** Moves every retry task of `queue` to pending; returns how many (Go: RunAllRetryTasks). */
export function runAllRetryTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return runAll(redis, "inspector.runAllRetryTasks", queue, (q) => zsetSource(keys.retryKey(q)));
}

/**
 * Moves every archived task of `queue` to pending; returns how many (Go: RunAllArchivedTasks).
 * As in Go, `retried` is not reset (quirk Q4).
 */
export function runAllArchivedTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return runAll(redis, "inspector.runAllArchivedTasks", queue, (q) => zsetSource(keys.archivedKey(q)));
}

/**
 * Moves every task of group `group` to pending and drops the group; returns how many
 * (Go: RunAllAggregatingTasks). As in Go the tasks keep their `group` hash field (quirk Q9).
 */
export async function runAllAggregatingTasks(
  redis: RedisConnection,
  _clock: Clock,
  queue: string,
  group: string,
): Promise<number> {
  const op = "inspector.runAllAggregatingTasks";
  requireName(op, "group", group);
  return runAll(redis, op, queue, (q) => groupSource(q, group));
}

/** Archives every pending task of `queue`; returns how many (Go: ArchiveAllPendingTasks). */
export function archiveAllPendingTasks(redis: RedisConnection, clock: Clock, queue: string): Promise<number> {
  return archiveAll(redis, clock, "inspector.archiveAllPendingTasks", queue, (q) => ({
    key: keys.pendingKey(q),
    list: true,
    group: "",
  }));
}

/** Archives every scheduled task of `queue`; returns how many (Go: ArchiveAllScheduledTasks). */
export function archiveAllScheduledTasks(redis: RedisConnection, clock: Clock, queue: string): Promise<number> {
  return archiveAll(redis, clock, "inspector.archiveAllScheduledTasks", queue, (q) => zsetSource(keys.scheduledKey(q)));
}

/** Archives every retry task of `queue`; returns how many (Go: ArchiveAllRetryTasks). */
export function archiveAllRetryTasks(redis: RedisConnection, clock: Clock, queue: string): Promise<number> {
  return archiveAll(redis, clock, "inspector.archiveAllRetryTasks", queue, (q) => zsetSource(keys.retryKey(q)));
}

/** Archives every task of group `group` and drops the group; returns how many (Go: ArchiveAllAggregatingTasks). */
export async function archiveAllAggregatingTasks(
  redis: RedisConnection,
  clock: Clock,
  queue: string,
  group: string,
): Promise<number> {
  const op = "inspector.archiveAllAggregatingTasks";
  requireName(op, "group", group);
  return archiveAll(redis, clock, op, queue, (q) => groupSource(q, group));
}

/**
 * Deletes every pending task of `queue`; returns how many (Go: DeleteAllPendingTasks).
 * As in Go, unique locks are NOT released: they expire with their TTL.
 */
export function deleteAllPendingTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  const src = (q: string): Source => ({ key: keys.pendingKey(q), list: true, group: "" });
  return deleteAll(redis, "inspector.deleteAllPendingTasks", queue, src, false);
}

/** Deletes every scheduled task of `queue`, releasing unique locks; returns how many (Go: DeleteAllScheduledTasks). */
export function deleteAllScheduledTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return deleteAll(redis, "inspector.deleteAllScheduledTasks", queue, (q) => zsetSource(keys.scheduledKey(q)), true);
}

/** Deletes every retry task of `queue`, releasing unique locks; returns how many (Go: DeleteAllRetryTasks). */
export function deleteAllRetryTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return deleteAll(redis, "inspector.deleteAllRetryTasks", queue, (q) => zsetSource(keys.retryKey(q)), true);
}

/** Deletes every archived task of `queue`, releasing unique locks; returns how many (Go: DeleteAllArchivedTasks). */
export function deleteAllArchivedTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return deleteAll(redis, "inspector.deleteAllArchivedTasks", queue, (q) => zsetSource(keys.archivedKey(q)), true);
}

/** Deletes every completed task of `queue`, releasing unique locks; returns how many (Go: DeleteAllCompletedTasks). */
export function deleteAllCompletedTasks(redis: RedisConnection, _clock: Clock, queue: string): Promise<number> {
  return deleteAll(redis, "inspector.deleteAllCompletedTasks", queue, (q) => zsetSource(keys.completedKey(q)), true);
}

/**
 * Deletes every task of group `group` and drops the group; returns how many (Go: DeleteAllAggregatingTasks).
 * As in Go, unique locks are NOT released.
 */
export async function deleteAllAggregatingTasks(
  redis: RedisConnection,
  _clock: Clock,
  queue: string,
  group: string,
): Promise<number> {
  const op = "inspector.deleteAllAggregatingTasks";
  requireName(op, "group", group);
  return deleteAll(redis, op, queue, (q) => groupSource(q, group), false);
}
