// Task, TaskInfo and TaskState: what users create and what the Inspector and Client return.
// Glossary: a *task* is a unit of work with a *type* (e.g. "email:welcome") and a *payload* (bytes);
// it lives in one *queue* and is in exactly one *state* at a time (docs/task-states.md).
import type { TaskMessage } from "./internal/base/message.js";
import type { EnqueueOptions } from "./options.js";

/** The seven task states, as stored in the task hash's `state` field. */
export const TASK_STATES = ["active", "pending", "scheduled", "retry", "archived", "completed", "aggregating"] as const;
/** One task state. */
export type TaskState = (typeof TASK_STATES)[number];

/** True when `s` is one of the seven task states. */
export function isTaskState(s: unknown): s is TaskState {
  return typeof s === "string" && (TASK_STATES as readonly string[]).includes(s);
}

/** A payload as callers may give it: raw bytes, a string (UTF-8) or any JSON value (serialised). */
export type PayloadInput = Uint8Array | string | null | undefined | boolean | number | object;

/** Turns a payload input into bytes; `null`/`undefined` mean no payload (Go's nil). */
export function payloadBytes(p: PayloadInput): Uint8Array | null {
  if (p === null || p === undefined) return null;
  if (p instanceof Uint8Array) return p;
  if (typeof p === "string") return new TextEncoder().encode(p);
  return new TextEncoder().encode(JSON.stringify(p));
}

/**
 * Shared frozen empty options and headers (internal): the constructor keeps these as they are instead of
 * copying them, so a dequeued task without headers costs no extra objects.
 */
export const NO_OPTIONS: Readonly<EnqueueOptions> = Object.freeze({});
export const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** A unit of work to enqueue: a type, a payload, optional headers and default options. */
export class Task {
  /** Task type name, e.g. `email:welcome`. */
  readonly type: string;
  /** Payload bytes, or null for none. */
  readonly payload: Uint8Array | null;
  /** User metadata carried with the task (stored in TaskMessage field 15, asynq v0.26+). */
  readonly headers: Readonly<Record<string, string>>;
  /** Options applied at every enqueue of this task, before the enqueue call's own options. */
  readonly options: Readonly<EnqueueOptions>;

  /**
   * @example new Task("email:welcome", { user_id: 42 }, { maxRetry: 5 })
   */
  constructor(
    type: string,
    payload?: PayloadInput,
    options: EnqueueOptions = {},
    headers: Record<string, string> = {},
  ) {
    this.type = type;
    this.payload = payloadBytes(payload);
    this.options = options === NO_OPTIONS ? NO_OPTIONS : { ...options };
    this.headers = headers === NO_HEADERS ? NO_HEADERS : { ...headers };
  }
}

/** Everything known about one task, as Go's TaskInfo. Times are Dates (null = none). */
export interface TaskInfo {
  id: string;
  queue: string;
  type: string;
  payload: Uint8Array;
  headers: Record<string, string>;
  state: TaskState;
  /** Max retry count. */
  maxRetry: number;
  /** Retries consumed so far. */
  retried: number;
  /** Text of the last error, "" if none. */
  lastErr: string;
  lastFailedAt: Date | null;
  /** Per-attempt timeout in seconds; 0 = none. */
  timeoutSeconds: number;
  deadline: Date | null;
  /** Aggregation group name, "" if none. */
  group: string;
  /** When the task will be (or was made) ready: scheduled/retry score, now for pending, null otherwise. */
  nextProcessAt: Date | null;
  /** Active task whose lease expired: its worker is presumed dead and a recoverer will take it. */
  isOrphaned: boolean;
  /** Seconds kept after success; 0 = deleted on success. */
  retentionSeconds: number;
  completedAt: Date | null;
  /** Bytes the handler wrote with its result writer, or null. */
  result: Uint8Array | null;
}

/** A task record that could not be read: its hash is missing or its `msg` does not decode. */
export interface CorruptTaskInfo {
  corrupt: true;
  id: string;
  queue: string;
  /** The Redis key that is missing or unreadable. */
  key: string;
  /** Why it could not be read. */
  reason: string;
  /** The state the task was listed under, when known. */
  state?: TaskState;
}

/** True when a listed item is a corrupt record rather than a task. */
export function isCorruptTaskInfo(t: TaskInfo | CorruptTaskInfo): t is CorruptTaskInfo {
  return (t as CorruptTaskInfo).corrupt === true;
}

function secondsToDate(s: number): Date | null {
  return s > 0 ? new Date(s * 1000) : null;
}

/** Builds a TaskInfo from a decoded message (internal; used by Client and Inspector). */
export function toTaskInfo(
  msg: TaskMessage,
  state: TaskState,
  nextProcessAt: Date | null,
  result: Uint8Array | null,
  isOrphaned = false,
): TaskInfo {
  return {
    id: msg.id,
    queue: msg.queue,
    type: msg.type,
    payload: msg.payload,
    headers: msg.headers,
    state,
    maxRetry: msg.retry,
    retried: msg.retried,
    lastErr: msg.errorMsg,
    lastFailedAt: secondsToDate(msg.lastFailedAt),
    timeoutSeconds: msg.timeout,
    deadline: secondsToDate(msg.deadline),
    group: msg.groupKey,
    nextProcessAt,
    isOrphaned,
    retentionSeconds: msg.retention,
    completedAt: secondsToDate(msg.completedAt),
    result,
  };
}
