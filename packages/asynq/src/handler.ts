// What a Server runs: the Handler / HandlerFunc types, middleware, and the HandlerContext a handler receives
// (abort signal, task identity, retry counts, result writer). Go: asynq.Handler and the task context helpers.
import type { Task } from "./task.js";
import type { TaskLogger } from "./task-extras-types.js";

/** Writes the task's result into its hash (`result` field); refused once the task's signal is aborted. */
export interface ResultWriter {
  /** The id of the task this writer writes to. */
  readonly taskId: string;
  /** Stores `data` (a string is written as UTF-8) and returns its length in bytes. */
  write(data: Uint8Array | string): Promise<number>;
}

/**
 * Per-attempt context handed to a handler beside the task. Other Vigil features add fields here
 * (it is an interface so they can extend it); handlers should ignore what they do not use.
 */
export interface HandlerContext {
  /** Aborted when the task times out, passes its deadline, is cancelled, loses its lease or the server shuts down. */
  readonly signal: AbortSignal;
  /** The task id (Go: GetTaskID). */
  readonly taskId: string;
  /** The queue the task came from (Go: GetQueueName). */
  readonly queue: string;
  /** Retries consumed before this attempt (Go: GetRetryCount). */
  readonly retryCount: number;
  /** Max retry count of the task (Go: GetMaxRetry). */
  readonly maxRetry: number;
  /** When this attempt's processing deadline passes (spec §6.6). */
  readonly deadline: Date;
  /** Writes the task's result (Go: task.ResultWriter()). */
  readonly resultWriter: ResultWriter;
  /**
   * Per-task log (Vigil): `ctx.log(msg, fields?)`, `ctx.log.warn(...)`, `ctx.log.error(...)`. Never blocks: lines
   * are kept with the task (`inspector.taskLogs`, `vigil task logs`) and also go to the server's logger.
   */
  readonly log: TaskLogger;
  /**
   * Saves progress durably (Vigil); resolves once stored. It survives crashes and retries: the next attempt
   * reads it with {@link HandlerContext.lastCheckpoint}. Deleted when the task succeeds; kept (with a TTL)
   * when it is archived. `state` is any JSON value.
   */
  checkpoint(state: unknown): Promise<void>;
  /** The state of the task's last checkpoint (saved by this or an earlier attempt), or undefined (Vigil). */
  lastCheckpoint<T = unknown>(): Promise<T | undefined>;
}

/** A function that processes one task; it resolves on success and throws (or rejects) on failure. */
export type HandlerFunc = (task: Task, ctx: HandlerContext) => Promise<void> | void;

/** An object that processes tasks (Go: asynq.Handler); a {@link HandlerFunc} is accepted wherever this is. */
export interface Handler {
  /** Processes one task; throw to fail it (see SkipRetry / RevokeTask for the special outcomes). */
  processTask(task: Task, ctx: HandlerContext): Promise<void> | void;
}

/** Wraps a handler with cross-cutting behaviour (logging, metrics, ...); Go: asynq.MiddlewareFunc. */
export type Middleware = (next: HandlerFunc) => HandlerFunc;

/** Turns a {@link Handler} or {@link HandlerFunc} into a {@link HandlerFunc}. */
export function toHandlerFunc(h: Handler | HandlerFunc): HandlerFunc {
  if (typeof h === "function") return h;
  return (task, ctx) => h.processTask(task, ctx);
}

/** True when `h` can be used as a handler. */
export function isHandlerLike(h: unknown): h is Handler | HandlerFunc {
  return (
    typeof h === "function" ||
    (typeof h === "object" && h !== null && typeof (h as Partial<Handler>).processTask === "function")
  );
}

/** The task passed its processing deadline or timeout; text is Go's `context deadline exceeded`. */
export class DeadlineExceededError extends Error {
  override name = "DeadlineExceededError";
  constructor() {
    super("context deadline exceeded");
  }
}

/** The task was cancelled (Inspector cancelProcessing, or server shutdown); text is Go's `context canceled`. */
export class CanceledError extends Error {
  override name = "CanceledError";
  /** Why: `cancel` (asynq:cancel message) or `shutdown` (server shutdown timeout). */
  readonly why: "cancel" | "shutdown";
  constructor(why: "cancel" | "shutdown" = "cancel") {
    super("context canceled");
    this.why = why;
  }
}
