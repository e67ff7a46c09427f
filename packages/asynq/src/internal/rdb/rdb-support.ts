// Shared pieces of the Redis broker: the connection + clock context, asynq's fixed limits, time arithmetic
// at the wire's units (unix seconds), and the mapping of script replies and Redis failures to typed errors.
import { TaskNotFoundError } from "../../errors.js";
import { type Clock } from "../clock.js";
import { AsynqError } from "../errors.js";
import type { RedisConnection } from "./run-script.js";

/** What every broker helper needs: the command connection and the clock. */
export interface RdbContext {
  readonly redis: RedisConnection;
  readonly clock: Clock;
}

/** Lease given at dequeue and on every extension, seconds (Go: LeaseDuration). */
export const LEASE_SECONDS = 30;
/** Daily counters expire this long after their first increment, seconds (90 days). */
export const STATS_TTL_SECONDS = 90 * 24 * 3600;
/** Archived tasks older than this many calendar days are trimmed on archive. */
export const ARCHIVED_EXPIRATION_DAYS = 90;
/** Archive keeps at most this many entries minus one after adding (Go: maxArchiveSize). */
export const ARCHIVED_MAX_SIZE = 10_000;
/** Totals wrap to 1 when they reach this value (Go: math.MaxInt64), as text. */
export const MAXI64 = "9223372036854775807";
/** Aggregation sets are reclaimed this long after creation, seconds. */
export const AGGREGATION_SET_TIMEOUT_SECONDS = 120;
/** Scheduler history keeps this many newest events per entry. */
export const SCHEDULER_HISTORY_CAP = 1000;
/** Forwarder batch size per script call (Go: 100). */
export const FORWARD_BATCH = 100;

/** Whole unix seconds of `ms`. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * The archive age cutoff: `nowMs` minus 90 calendar days in the process's local zone, in unix seconds,
 * as Go's `now.AddDate(0, 0, -90)` (exactly now − 7 776 000 s under UTC, ±1 h across a DST change).
 */
export function archiveCutoffSeconds(nowMs: number): number {
  const d = new Date(nowMs);
  d.setDate(d.getDate() - ARCHIVED_EXPIRATION_DAYS);
  return toSeconds(d.getTime());
}

/** True when `e` is an error reply from Redis (a script's error_reply or a command error), not a transport failure. */
export function isReplyError(e: unknown): e is Error {
  return e instanceof Error && e.name === "ReplyError";
}

/** A Redis failure as an {@link AsynqError}: UNAVAILABLE for transport problems, INTERNAL for error replies. */
export function redisFailure(op: string, e: unknown): AsynqError {
  if (e instanceof AsynqError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AsynqError(op, isReplyError(e) ? "INTERNAL" : "UNAVAILABLE", `${op}: redis: ${message}`, { cause: e });
}

/**
 * The typed error of a finalizer script's failure for task `id` of `queue`: the reply `NOT FOUND` becomes a
 * {@link TaskNotFoundError} (the task is no longer active under this lease), `INTERNAL` an INTERNAL
 * {@link AsynqError}; other failures go through {@link redisFailure}.
 */
export function finalizeFailure(op: string, queue: string, id: string, e: unknown): AsynqError {
  if (isReplyError(e)) {
    if (e.message.startsWith("NOT FOUND")) {
      const err = new TaskNotFoundError(op, queue, id);
      (err as { cause?: unknown }).cause = e;
      return err;
    }
    if (e.message.startsWith("INTERNAL"))
      return new AsynqError(op, "INTERNAL", `${op}: inconsistent state for task ${id} in queue "${queue}"`, {
        cause: e,
      });
  }
  return redisFailure(op, e);
}

/** Throws `reply` as a finalizer error when it is an Error; otherwise returns nothing. */
export function checkFinalizeReply(op: string, queue: string, id: string, reply: unknown): void {
  if (reply instanceof Error) throw finalizeFailure(op, queue, id, reply);
}

/** Runs `fn`, turning any failure into an {@link AsynqError} of `op`. */
export async function wrap<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw redisFailure(op, e);
  }
}
