// Shared pieces of the Inspector's mutations: limits, argument and queue checks, and the mapping of
// Redis failures and script codes into Vigil's typed errors (spec §15, §15.5).
import { AsynqError, CorruptRecordError, InvalidOptionError, isAsynqError, QueueNotFoundError } from "../../errors.js";
import * as keys from "../base/keys.js";
import { type Clock, unixSeconds } from "../clock.js";
import type { RedisConnection, Reply } from "./run-script.js";

/** Most ids one bulk script call handles; bulk operations loop until a call takes fewer. */
export const BULK_BATCH_SIZE = 1000;
/** Archive size cap passed to the trim (Go's maxArchiveSize): the newest 9 999 archived tasks stay. */
export const ARCHIVE_MAX_SIZE = 10_000;
/** Archived tasks older than this are trimmed (Go: 90 days; taken as 90 × 24 h, i.e. Go's figure under UTC). */
export const ARCHIVE_MAX_AGE_SECONDS = 90 * 24 * 60 * 60;

/** `now` and the archive cutoff in unix seconds, as the archive scripts take them. */
export function archiveTimes(clock: Clock): { now: number; cutoff: number } {
  const now = unixSeconds(clock);
  return { now, cutoff: now - ARCHIVE_MAX_AGE_SECONDS };
}

/** Throws {@link InvalidOptionError} when `value` is blank (Go rejects empty queue names and ids too). */
export function requireName(op: string, option: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidOptionError(op, option, value, `a non-blank ${option} string`);
  }
}

/**
 * Checks that `queue` is a non-blank name listed in `asynq:queues`, else throws {@link QueueNotFoundError}.
 * Like Go this is a separate command before the script: `asynq:queues` is a global key and may live on
 * another Redis Cluster node than the queue's keys.
 */
export async function requireQueue(redis: RedisConnection, op: string, queue: string): Promise<void> {
  requireName(op, "queue", queue);
  if ((await redis.sismember(keys.allQueues, queue)) === 0) throw new QueueNotFoundError(op, queue);
}

/** Runs `fn`; any non-Vigil failure becomes an {@link AsynqError} naming `op`, with the original as cause. */
export async function withOp<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isAsynqError(e)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof Error && e.name === "ReplyError") {
      throw new AsynqError(op, "INTERNAL", `redis replied with an error: ${message}`, { cause: e });
    }
    throw new AsynqError(op, "UNAVAILABLE", `redis command failed: ${message}`, { cause: e });
  }
}

/** An integer script reply; anything else is an INTERNAL error naming `op`. */
export function intReply(op: string, r: Reply): number {
  if (typeof r === "number") return r;
  throw new AsynqError(op, "INTERNAL", `unexpected script reply ${describeReply(r)} (wanted an integer)`);
}

/** A script reply that is an array of integers (e.g. `{moved, taken}`). */
export function intsReply(op: string, r: Reply, length: number): number[] {
  if (Array.isArray(r) && r.length === length && r.every((x) => typeof x === "number")) return r as number[];
  throw new AsynqError(op, "INTERNAL", `unexpected script reply ${describeReply(r)} (wanted ${length} integers)`);
}

function describeReply(r: Reply): string {
  if (r === null) return "nil";
  if (Buffer.isBuffer(r)) return JSON.stringify(r.toString("utf8").slice(0, 80));
  if (Array.isArray(r)) return `array(${r.length})`;
  return String(r);
}

/** The task hash says one state but the id is not in that state's list/zset (code −3 of the task scripts). */
export function misplacedTask(op: string, queue: string, id: string): CorruptRecordError {
  return new CorruptRecordError(
    op,
    keys.taskKey(queue, id),
    `task id=${id} in queue "${queue}" is not in the list or set its state field names; nothing was changed`,
  );
}
