// Enqueue option resolution (spec §5.1): Task options, then enqueue options, last wins; defaults and
// validation happen here once, so the client writes nothing to Redis when an option is bad.
import { randomUUID } from "node:crypto";
import { InvalidOptionError } from "../../errors.js";
import type { EnqueueOptions } from "../../options.js";
import { parseDuration } from "./duration.js";

/** Go's defaultMaxRetry. */
export const DEFAULT_MAX_RETRY = 25;
/** Go's defaultTimeout (30 min), applied only when neither a timeout nor a deadline is given. */
export const DEFAULT_TIMEOUT_SECONDS = 1800;
/** Go's base.DefaultQueueName. */
export const DEFAULT_QUEUE = "default";

const MAX_INT32 = 2_147_483_647;

/** Every option name {@link EnqueueOptions} accepts. */
export const ENQUEUE_OPTION_NAMES: readonly (keyof EnqueueOptions)[] = [
  "queue",
  "maxRetry",
  "timeout",
  "deadline",
  "processAt",
  "processIn",
  "unique",
  "taskId",
  "retention",
  "group",
  "headers",
];

/** Options after composition, defaults and validation: exactly what goes into the TaskMessage and the route. */
export interface ResolvedEnqueueOptions {
  readonly queue: string;
  readonly taskId: string;
  /** TaskMessage.retry (≥ 0). */
  readonly maxRetry: number;
  /** TaskMessage.timeout in whole seconds (0 = none; 1800 by default). */
  readonly timeoutSeconds: number;
  /** TaskMessage.deadline in unix seconds (0 = none). */
  readonly deadlineSeconds: number;
  /** Uniqueness lock TTL in milliseconds; 0 = not unique. */
  readonly uniqueTtlMs: number;
  /** When the task should run, epoch ms (now unless processAt/processIn was given). */
  readonly processAtMs: number;
  /** TaskMessage.retention in whole seconds. */
  readonly retentionSeconds: number;
  /** Aggregation group; "" = none. */
  readonly group: string;
  /** Task headers merged with option headers (later wins per name). */
  readonly headers: Readonly<Record<string, string>>;
}

const TIME_ACCEPTED = "a Date, epoch milliseconds or an ISO-8601 date-time string";

function isBlank(s: string): boolean {
  return s.trim() === "";
}

function nonBlank(op: string, option: string, v: unknown): string {
  if (typeof v !== "string" || isBlank(v)) {
    throw new InvalidOptionError(op, option, v, "a non-blank string");
  }
  return v;
}

function timeMs(op: string, option: string, v: unknown): number {
  let ms = NaN;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === "number") ms = v;
  else if (typeof v === "string" && /^\d{4}-\d\d-\d\d/.test(v)) ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new InvalidOptionError(op, option, v, TIME_ACCEPTED);
  return ms;
}

function nonNegativeDuration(op: string, option: string, v: unknown): number {
  const ms = parseDuration(v as never, option, op);
  if (ms < 0) throw new InvalidOptionError(op, option, v, "a duration >= 0");
  return ms;
}

/** Throws unless `type` is a non-blank string (Go: "task typename cannot be empty"). */
export function validateTaskType(type: unknown, op: string): string {
  return nonBlank(op, "type", type);
}

/**
 * Composes option layers (first = Task options, last = enqueue call options; the last value given wins)
 * and applies Go's defaults. `processAt` and `processIn` both set the run time: a layer that gives
 * either replaces earlier layers' time, and when one layer gives both, the later of the two times wins.
 * Throws {@link InvalidOptionError} naming the option for any bad or unknown option.
 */
export function resolveEnqueueOptions(
  layers: readonly (Readonly<EnqueueOptions> | undefined)[],
  ctx: { nowMs: number; op: string; baseHeaders?: Readonly<Record<string, string>>; newId?: () => string },
): ResolvedEnqueueOptions {
  const { nowMs, op } = ctx;
  let queue = DEFAULT_QUEUE;
  let taskId: string | undefined;
  let maxRetry = DEFAULT_MAX_RETRY;
  let timeoutMs = 0;
  let deadlineMs = 0;
  let uniqueTtlMs = 0;
  let processAtMs = nowMs;
  let retentionMs = 0;
  let group = "";
  const headers: Record<string, string> = { ...ctx.baseHeaders };

  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer === null || typeof layer !== "object") {
      throw new InvalidOptionError(op, "options", layer, "an object of enqueue options");
    }
    for (const key of Object.keys(layer)) {
      if (!(ENQUEUE_OPTION_NAMES as readonly string[]).includes(key)) {
        throw new InvalidOptionError(op, key, (layer as Record<string, unknown>)[key], ENQUEUE_OPTION_NAMES.join(", "));
      }
    }
    const o = layer;
    if (o.queue !== undefined) queue = nonBlank(op, "queue", o.queue);
    if (o.taskId !== undefined) taskId = nonBlank(op, "taskId", o.taskId);
    if (o.group !== undefined) group = nonBlank(op, "group", o.group);
    if (o.maxRetry !== undefined) {
      if (typeof o.maxRetry !== "number" || !Number.isInteger(o.maxRetry) || o.maxRetry > MAX_INT32) {
        throw new InvalidOptionError(op, "maxRetry", o.maxRetry, `an integer <= ${MAX_INT32} (negative means 0)`);
      }
      maxRetry = Math.max(0, o.maxRetry);
    }
    if (o.timeout !== undefined) timeoutMs = nonNegativeDuration(op, "timeout", o.timeout);
    if (o.retention !== undefined) retentionMs = nonNegativeDuration(op, "retention", o.retention);
    if (o.deadline !== undefined) deadlineMs = timeMs(op, "deadline", o.deadline);
    if (o.unique !== undefined) {
      const ttl = parseDuration(o.unique, "unique", op);
      if (ttl < 1000) throw new InvalidOptionError(op, "unique", o.unique, "a TTL of at least 1s (1000 ms)");
      uniqueTtlMs = ttl;
    }
    if (o.processAt !== undefined || o.processIn !== undefined) {
      const at = o.processAt !== undefined ? timeMs(op, "processAt", o.processAt) : -Infinity;
      const inMs = o.processIn !== undefined ? nowMs + parseDuration(o.processIn, "processIn", op) : -Infinity;
      processAtMs = Math.max(at, inMs);
    }
    if (o.headers !== undefined) {
      if (o.headers === null || typeof o.headers !== "object" || Array.isArray(o.headers)) {
        throw new InvalidOptionError(op, "headers", o.headers, "an object of string values");
      }
      for (const [name, value] of Object.entries(o.headers)) {
        if (typeof value !== "string") {
          throw new InvalidOptionError(op, `headers.${name}`, value, "a string");
        }
        headers[name] = value;
      }
    }
  }

  // Default timeout only when neither is set; the check is on the duration before truncation, so a
  // sub-second timeout is stored as 0 and still suppresses the default (spec §5.1). Deadline at the
  // epoch counts as none, as Go compares it with time.Unix(0, 0).
  const deadlineSeconds = Math.floor(deadlineMs / 1000);
  let timeoutSeconds = Math.trunc(timeoutMs / 1000);
  if (timeoutMs === 0 && deadlineMs === 0) timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

  return {
    queue,
    taskId: taskId ?? (ctx.newId ?? randomUUID)(),
    maxRetry,
    timeoutSeconds,
    deadlineSeconds,
    uniqueTtlMs,
    processAtMs,
    retentionSeconds: Math.trunc(retentionMs / 1000),
    group,
    headers,
  };
}
