// Public error classes of @vigil/asynq, each with an isXxx guard. Messages follow Go asynq's texts.
import { AsynqError, isAsynqError, type ErrorCode } from "./internal/errors.js";

export { AsynqError, isAsynqError, type ErrorCode };

/** The task id is already used by another task in the queue (Go: ErrTaskIDConflict). */
export class TaskIdConflictError extends AsynqError {
  override name = "TaskIdConflictError";
  constructor(
    op: string,
    readonly queue: string,
    readonly taskId: string,
  ) {
    super(op, "ALREADY_EXISTS", `task ID conflicts with another task: id=${taskId}, queue=${queue}`);
  }
}
/** True when `e` is a {@link TaskIdConflictError}. */
export const isTaskIdConflictError = (e: unknown): e is TaskIdConflictError => e instanceof TaskIdConflictError;

/** A unique task with the same queue, type and payload holds the lock (Go: ErrDuplicateTask). */
export class DuplicateTaskError extends AsynqError {
  override name = "DuplicateTaskError";
  constructor(
    op: string,
    readonly queue: string,
    readonly uniqueKey: string,
  ) {
    super(op, "ALREADY_EXISTS", `task already exists: unique lock ${uniqueKey} is held`);
  }
}
/** True when `e` is a {@link DuplicateTaskError}. */
export const isDuplicateTaskError = (e: unknown): e is DuplicateTaskError => e instanceof DuplicateTaskError;

/** The queue is not in `asynq:queues`. */
export class QueueNotFoundError extends AsynqError {
  override name = "QueueNotFoundError";
  constructor(
    op: string,
    readonly queue: string,
  ) {
    super(op, "NOT_FOUND", `queue "${queue}" does not exist`);
  }
}
/** True when `e` is a {@link QueueNotFoundError}. */
export const isQueueNotFoundError = (e: unknown): e is QueueNotFoundError => e instanceof QueueNotFoundError;

/** No task with that id in that queue. */
export class TaskNotFoundError extends AsynqError {
  override name = "TaskNotFoundError";
  constructor(
    op: string,
    readonly queue: string,
    readonly taskId: string,
  ) {
    super(op, "NOT_FOUND", `cannot find task with id=${taskId} in queue "${queue}"`);
  }
}
/** True when `e` is a {@link TaskNotFoundError}. */
export const isTaskNotFoundError = (e: unknown): e is TaskNotFoundError => e instanceof TaskNotFoundError;

/** A queue still holds tasks and was not removed (use force). */
export class QueueNotEmptyError extends AsynqError {
  override name = "QueueNotEmptyError";
  constructor(
    op: string,
    readonly queue: string,
  ) {
    super(op, "FAILED_PRECONDITION", `queue "${queue}" is not empty`);
  }
}
/** True when `e` is a {@link QueueNotEmptyError}. */
export const isQueueNotEmptyError = (e: unknown): e is QueueNotEmptyError => e instanceof QueueNotEmptyError;

/** The operation does not apply to the task or queue in its current state (e.g. running an active task). */
export class FailedPreconditionError extends AsynqError {
  override name = "FailedPreconditionError";
  constructor(op: string, message: string) {
    super(op, "FAILED_PRECONDITION", message);
  }
}
/** True when `e` is a {@link FailedPreconditionError}. */
export const isFailedPreconditionError = (e: unknown): e is FailedPreconditionError =>
  e instanceof FailedPreconditionError;

/** An option or argument was invalid; names the option, what was given and what is accepted. */
export class InvalidOptionError extends AsynqError {
  override name = "InvalidOptionError";
  constructor(
    op: string,
    readonly option: string,
    readonly given: unknown,
    readonly accepted: string,
  ) {
    super(op, "INVALID_ARGUMENT", `invalid option ${option}: got ${describe(given)}; accepted: ${accepted}`);
  }
}
/** True when `e` is an {@link InvalidOptionError}. */
export const isInvalidOptionError = (e: unknown): e is InvalidOptionError => e instanceof InvalidOptionError;

/** A record in Redis could not be decoded (missing hash, bad protobuf). */
export class CorruptRecordError extends AsynqError {
  override name = "CorruptRecordError";
  constructor(
    op: string,
    readonly key: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(op, "CORRUPT", `corrupt record at ${key}: ${reason}`, options);
  }
}
/** True when `e` is a {@link CorruptRecordError}. */
export const isCorruptRecordError = (e: unknown): e is CorruptRecordError => e instanceof CorruptRecordError;

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" || v == null) return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
