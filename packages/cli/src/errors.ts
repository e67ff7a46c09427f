// CLI errors and the documented exit codes they map to.
import {
  isAsynqError,
  isQueueNotFoundError,
  isTaskNotFoundError,
  isInvalidOptionError,
  isFailedPreconditionError,
  isQueueNotEmptyError,
} from "@vigil/asynq";

/** Exit codes of `vigil` (also listed in `vigil --help`). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The operation failed (Redis refused it, a bulk operation had failures). */
  failed: 1,
  /** Bad arguments or options: nothing was changed. */
  usage: 2,
  /** The queue or task does not exist. */
  notFound: 3,
  /** The operation does not apply in the current state (e.g. running an active task, removing a non-empty queue). */
  precondition: 4,
  /** Redis could not be reached. */
  unavailable: 5,
  /** A destructive operation was not confirmed. */
  aborted: 6,
} as const;

/** Bad command-line input. The message says what was wrong and what is accepted. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The user declined a confirmation prompt (or it could not be shown). */
export class AbortedError extends Error {
  override name = "AbortedError";
}

/** Maps any thrown value to an exit code. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || isInvalidOptionError(e)) return EXIT.usage;
  if (e instanceof AbortedError) return EXIT.aborted;
  if (isQueueNotFoundError(e) || isTaskNotFoundError(e)) return EXIT.notFound;
  if (isFailedPreconditionError(e) || isQueueNotEmptyError(e)) return EXIT.precondition;
  if (isAsynqError(e) && e.code === "NOT_FOUND") return EXIT.notFound;
  if (isAsynqError(e) && e.code === "FAILED_PRECONDITION") return EXIT.precondition;
  if (isUnavailable(e)) return EXIT.unavailable;
  return EXIT.failed;
}

/** True for connection failures (refused, timed out, DNS). */
export function isUnavailable(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection is closed|connect ETIMEDOUT|Reached the max retries/.test(
    msg,
  );
}
