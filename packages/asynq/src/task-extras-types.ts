// Public types of Vigil's per-task additions beyond Go asynq: task logs, progress checkpoints, run history
// and shared rate limits (all stored under `vigil:` keys, which Go asynq ignores).
import type { Duration } from "./options.js";

/** Level of a task log line. */
export type TaskLogLevel = "info" | "warn" | "error";

/** Structured fields of a log line (JSON-serialisable values). */
export type TaskLogFields = Record<string, unknown>;

/**
 * The per-task logger on `ctx.log`: call it (info) or use a level method. Never blocks and never throws: lines
 * are buffered and written in the background, and each is also sent to the server's pino logger.
 * @example
 * ctx.log("paid item", { item: 4 });
 * ctx.log.warn("provider slow", { ms: 2300 });
 */
export interface TaskLogger {
  /** Logs at info level. */
  (message: string, fields?: TaskLogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: TaskLogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: TaskLogFields): void;
  /** Logs at error level. */
  error(message: string, fields?: TaskLogFields): void;
}

/** One stored log line of a task (oldest first in results). */
export interface TaskLogLine {
  /** Position in the task's log (`<ms>-<seq>`); pass it as `since` to read only newer lines. */
  id: string;
  /** When the handler logged the line (the server's clock). */
  time: Date;
  level: TaskLogLevel;
  message: string;
  /** The fields given with the line ({} when none). */
  fields: TaskLogFields;
  /** Retries consumed before the attempt that logged it (0 = first attempt). */
  retryCount: number;
}

/** Options of `inspector.taskLogs`. */
export interface TaskLogsOptions {
  /**
   * Most lines returned. Without `since`: the newest `limit` lines; with it: the first `limit` lines after it.
   * @defaultValue 1000
   */
  limit?: number;
  /** Only lines after this: a line id (exclusive) or a time (Date / epoch ms, inclusive). */
  since?: string | Date | number;
}

/** The last progress a task saved with `ctx.checkpoint(state)`. */
export interface Checkpoint<T = unknown> {
  /** The state as given (after a JSON round trip). */
  state: T;
  /** When it was saved (the server's clock). */
  savedAt: Date;
  /** Retries consumed before the attempt that saved it. */
  retryCount: number;
}

/**
 * How one attempt ended: `success` (deleted or completed), `retry` (scheduled for another attempt), `archived`,
 * `revoked` (RevokeTask: deleted), `requeued` (aborted by a server shutdown, back to pending).
 */
export type RunOutcome = "success" | "retry" | "archived" | "revoked" | "requeued";

/** One finished attempt in a queue's run history (`vigil:{q}:runs`). */
export interface RunRecord {
  taskId: string;
  type: string;
  queue: string;
  /** When the handler started. */
  startedAt: Date;
  /** When the attempt ended (the history's score). */
  finishedAt: Date;
  durationMs: number;
  outcome: RunOutcome;
  /** Error text of a failed attempt ("" on success or requeue). */
  error: string;
}

/** Options of `inspector.runHistory`. */
export interface RunHistoryOptions {
  /** Most records returned, newest first. @defaultValue 100 */
  limit?: number;
  /** Only attempts that finished at or after this time (Date / epoch ms). */
  since?: Date | number;
  /** Only attempts of this task. */
  taskId?: string;
  /** Only attempts of tasks of this type. */
  type?: string;
}

/**
 * A rate limit shared by every Vigil server on the Redis: at most `limit` task starts in any window of `per`,
 * for one queue, one task type, or one type within one queue (at least one of `queue` / `taskType`).
 * A task over the limit is not run and not failed: it reserves the next free slot and waits as `scheduled`
 * until then (its retry count, error and the queue's counters are untouched). Go workers ignore these limits.
 */
export interface RateLimit {
  /** The queue limited (alone: every task of the queue; with `taskType`: that type in that queue only). */
  queue?: string;
  /** The task type limited (alone: in every queue). */
  taskType?: string;
  /** Starts allowed per window (1 to 100,000). */
  limit: number;
  /** Window length, e.g. "1s" or 60000 (at least 1 ms, at most 24 h). */
  per: Duration;
}
