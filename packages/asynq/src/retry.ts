// Retry policy of the Server (spec §6.5): Go's default retry delay, the SkipRetry / RevokeTask markers a
// handler throws to change the outcome, and the error texts Go stores (lease expiry, panics).
import type { Task } from "./task.js";

/** Delay before retry attempt `retried + 1`, in milliseconds. `retried` is the count before this failure. */
export type RetryDelayFunc = (retried: number, error: Error, task: Task) => number;

/** Decides whether an error counts as a failure (increments `retried` and the failed counters). */
export type IsFailureFunc = (error: Error) => boolean;

/**
 * Go's DefaultRetryDelayFunc (Sidekiq's formula): `n^4 + 15 + R × (n + 1)` seconds, R uniform in 0..29,
 * returned in milliseconds. `random` returns [0, 1) and is injectable for tests.
 */
export function defaultRetryDelay(retried: number, _error?: Error, _task?: Task, random = Math.random): number {
  const n = Math.max(0, Math.floor(retried));
  const r = Math.min(29, Math.floor(random() * 30));
  return (n ** 4 + 15 + r * (n + 1)) * 1000;
}

/** Go's default IsFailure: every error is a failure. */
export const defaultIsFailure: IsFailureFunc = () => true;

const SKIP_RETRY_TEXT = "skip retry for the task";
const REVOKE_TASK_TEXT = "revoke task";

/** Thrown (or set as a `cause`) by a handler to archive the task at once, without further retries. */
export class SkipRetryError extends Error {
  override name = "SkipRetryError";
  /** Text is Go's `<reason>: skip retry for the task`, or Go's bare text without a reason. */
  constructor(reason?: string, options?: { cause?: unknown }) {
    super(reason ? `${reason}: ${SKIP_RETRY_TEXT}` : SKIP_RETRY_TEXT, options);
  }
}

/** Thrown (or set as a `cause`) by a handler to delete the task without retry or archive (asynq v0.25+). */
export class RevokeTaskError extends Error {
  override name = "RevokeTaskError";
  /** Text is Go's `<reason>: revoke task`, or Go's bare text without a reason. */
  constructor(reason?: string, options?: { cause?: unknown }) {
    super(reason ? `${reason}: ${REVOKE_TASK_TEXT}` : REVOKE_TASK_TEXT, options);
  }
}

/** Go's `asynq.SkipRetry` sentinel: `throw SkipRetry`, or wrap it as the `cause` of your own error. */
export const SkipRetry: Error = new SkipRetryError();
/** Go's `asynq.RevokeTask` sentinel: `throw RevokeTask`, or wrap it as the `cause` of your own error. */
export const RevokeTask: Error = new RevokeTaskError();

/** An error that makes the task skip its remaining retries, e.g. `throw skipRetry("bad payload")`. */
export function skipRetry(reason?: string, cause?: unknown): SkipRetryError {
  return new SkipRetryError(reason, cause === undefined ? undefined : { cause });
}
/** An error that makes the task be deleted as done, e.g. `throw revokeTask("user deleted")`. */
export function revokeTask(reason?: string, cause?: unknown): RevokeTaskError {
  return new RevokeTaskError(reason, cause === undefined ? undefined : { cause });
}

/** True when `e` is a marker of class `cls`, or has one in its `cause` chain (Go's errors.Is). */
function chainHas(e: unknown, cls: new (...a: never[]) => Error): boolean {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur instanceof Error && !seen.has(cur)) {
    seen.add(cur);
    if (isInstance(cur, cls)) return true;
    if (cur instanceof AggregateError && (cur.errors as unknown[]).some((x) => chainHas(x, cls))) return true;
    cur = cur.cause;
  }
  return false;
}

function isInstance(v: unknown, cls: new (...a: never[]) => Error): boolean {
  return v instanceof cls;
}

/** True when `e` is or wraps (via `cause`) a SkipRetry marker. */
export function isSkipRetry(e: unknown): boolean {
  return chainHas(e, SkipRetryError);
}
/** True when `e` is or wraps (via `cause`) a RevokeTask marker. */
export function isRevokeTask(e: unknown): boolean {
  return chainHas(e, RevokeTaskError);
}

/** Go's ErrLeaseExpired text, stored by the recoverer for tasks of dead workers. */
export const LEASE_EXPIRED_TEXT = "asynq: task lease expired";

/** The task's lease expired locally (its worker lost contact with Redis); Go's `asynq.ErrLeaseExpired`. */
export class LeaseExpiredError extends Error {
  override name = "LeaseExpiredError";
  constructor() {
    super(LEASE_EXPIRED_TEXT);
  }
}
/** Go's `asynq.ErrLeaseExpired`. */
export const ErrLeaseExpired: Error = new LeaseExpiredError();
/** True when `e` is or wraps a lease-expiry error. */
export function isLeaseExpired(e: unknown): boolean {
  return chainHas(e, LeaseExpiredError);
}

/** A handler threw something that is not an Error (Go: a panic); the text follows Go's PanicError. */
export class PanicError extends Error {
  override name = "PanicError";
  /** The thrown value. */
  readonly value: unknown;
  constructor(value: unknown) {
    super(`panic error cause by: panic: ${describeThrown(value)}`);
    this.value = value;
  }
}
/** True when `e` is a {@link PanicError} (Go's IsPanicError). */
export function isPanicError(e: unknown): e is PanicError {
  return e instanceof PanicError;
}

function describeThrown(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null || typeof v !== "object") return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Turns anything a handler threw into an Error: Errors pass through, anything else becomes a PanicError. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new PanicError(thrown);
}
