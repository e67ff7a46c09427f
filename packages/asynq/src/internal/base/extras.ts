// Storage-side shapes of Vigil's per-task additions (task logs, checkpoints, run history, rate limits) that
// the Broker interface passes between the services and the Redis broker.
import type { RunOutcome, TaskLogLevel } from "../../task-extras-types.js";

/** One buffered log line of a task, ready to store. */
export interface LogLineRecord {
  /** When the handler logged it, epoch ms (the server's clock). */
  tsMs: number;
  level: TaskLogLevel;
  message: string;
  /** The fields as a JSON object text, or "" for none. */
  fieldsJson: string;
}

/** The buffered lines of one task attempt. */
export interface TaskLogBatch {
  queue: string;
  taskId: string;
  /** Retries consumed before the attempt that logged. */
  retried: number;
  lines: LogLineRecord[];
}

/** How task logs are kept. */
export interface TaskLogRetention {
  maxLines: number;
  ttlMs: number;
}

/** One finished attempt for the run history (stored as JSON without `finishMs`, which is the score). */
export interface RunEntry {
  taskId: string;
  type: string;
  queue: string;
  startMs: number;
  durationMs: number;
  outcome: RunOutcome;
  error: string;
  finishMs: number;
}

/** How the run history is kept. */
export interface RunHistoryRetention {
  maxEntries: number;
  retentionMs: number;
}

/**
 * Vigil's extra writes riding along with one finalization (same pipeline, no extra round trip): the run to
 * record, and whether the task's checkpoint is deleted (it finished for good).
 */
export interface FinalizeExtras {
  /** The attempt to record, with how the queue's history is kept. */
  run?: { entry: RunEntry; keep: RunHistoryRetention };
  dropCheckpoint?: boolean;
}

/** A shared rate limit as the broker applies it. */
export interface RateLimitSpec {
  queue: string | undefined;
  taskType: string | undefined;
  limit: number;
  perMs: number;
}

/** A dequeued task to put back until `untilMs` (its reserved slot). */
export interface DeferItem {
  id: string;
  untilMs: number;
}
