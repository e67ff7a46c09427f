// Server options (Go: asynq.Config) with their documented defaults, resolved and validated once into a
// readonly ResolvedServerOptions; a bad option throws InvalidOptionError naming the field.
import { availableParallelism } from "node:os";
import { pino, type Logger } from "pino";
import { InvalidOptionError } from "./errors.js";
import type { HandlerContext } from "./handler.js";
import { type Clock, systemClock } from "./internal/clock.js";
import { parseDuration } from "./internal/base/duration.js";
import type { Duration } from "./options.js";
import {
  EXTRAS_OPTION_NAMES,
  type ResolvedServerExtras,
  type ServerExtrasOptions,
  resolveServerExtras,
} from "./server-extras-options.js";
import { type IsFailureFunc, type RetryDelayFunc, defaultIsFailure, defaultRetryDelay } from "./retry.js";
import type { Task } from "./task.js";

/** Called for every failed attempt before the retry/archive decision (Go: ErrorHandler). */
export type ErrorHandler = (task: Task, error: Error, ctx: HandlerContext) => void | Promise<void>;

/** Builds one task out of a group's tasks (Go: GroupAggregator); it is enqueued into the group's queue. */
export type GroupAggregator = (group: string, tasks: Task[]) => Task | Promise<Task>;

/** Log levels a Server logs at. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";

/**
 * Options of a {@link Server}; every field is optional. Durations are milliseconds or strings like "30s".
 * Vigil's additions (task logs, checkpoints, run history, rate limits) are in {@link ServerExtrasOptions}.
 */
export interface ServerOptions extends ServerExtrasOptions {
  /** Max tasks processed at once. @defaultValue the number of CPUs */
  concurrency?: number;
  /** Queue name → priority (positive integer). Blank names and priorities <= 0 are dropped, as Go does. @defaultValue { default: 1 } */
  queues?: Record<string, number>;
  /** Always drain higher-priority queues first instead of weighted random order. @defaultValue false */
  strictPriority?: boolean;
  /** Poll interval when queues are empty and no wake-up arrives (for tasks enqueued by Go). @defaultValue "1s" */
  taskCheckInterval?: Duration;
  /** Delay before retry n; returns milliseconds. @defaultValue Go's n^4 + 15 + rand(0..29)·(n+1) seconds */
  retryDelayFunc?: RetryDelayFunc;
  /** Whether an error counts as a failure (increments retried and the failed counters). @defaultValue always */
  isFailure?: IsFailureFunc;
  /** Called for every failed attempt (not for success or shutdown requeue). */
  errorHandler?: ErrorHandler;
  /** A pino logger; the server logs JSON lines through a child of it. @defaultValue pino to stdout */
  logger?: Logger;
  /** Level of the default logger (ignored when `logger` is given). @defaultValue "info" */
  logLevel?: LogLevel;
  /** How long shutdown waits for running tasks before requeueing them. @defaultValue "8s" */
  shutdownTimeout?: Duration;
  /** Called after every health check with null (Redis answered PING) or the error. */
  healthCheckFunc?: (error: Error | null) => void;
  /** @defaultValue "15s" */
  healthCheckInterval?: Duration;
  /** Forwarder period: scheduled/retry tasks that are due move to pending. @defaultValue "5s" */
  delayedTaskCheckInterval?: Duration;
  /** Heartbeat period (server info TTL is twice this; leases are extended on each beat). @defaultValue "5s" */
  heartbeatInterval?: Duration;
  /** Recoverer period (expired leases of dead workers; also runs at start). @defaultValue "60s" */
  recovererInterval?: Duration;
  /**
   * Lease a worker takes on each task at dequeue and on every heartbeat, whole seconds; must be longer than
   * heartbeatInterval. The recoverer takes a task once its lease has been expired for min(30 s, leaseDuration)
   * (Go: a fixed 30 s lease and 30 s clock-skew allowance), so shorter leases recover a dead worker's tasks
   * sooner. @defaultValue "30s" (Go's LeaseDuration)
   */
  leaseDuration?: Duration;
  /** Aggregates a group's tasks into one; enables the aggregator. */
  groupAggregator?: GroupAggregator;
  /** A group is aggregated once no task was added for this long (>= 1 s). @defaultValue "1m" */
  groupGracePeriod?: Duration;
  /** A group is aggregated once its oldest task waited this long; 0 = no limit. @defaultValue 0 */
  groupMaxDelay?: Duration;
  /** A group is aggregated once it holds this many tasks; 0 = no limit. @defaultValue 0 */
  groupMaxSize?: number;
  /** Janitor period (deletes completed tasks past their retention). @defaultValue "8s" */
  janitorInterval?: Duration;
  /** Completed tasks deleted per janitor script call. @defaultValue 100 */
  janitorBatchSize?: number;
  /**
   * Parallel fetch loops (Vigil; Go has one). Each owns an equal share of `concurrency` and dequeues into it.
   * @defaultValue min(4, ceil(concurrency / 5))
   */
  fetchers?: number;
  /** Max tasks one fetch takes (never more than the free slots). @defaultValue min(32, concurrency) */
  dequeueBatchSize?: number;
  /** Wake up at once when a Vigil client enqueues, instead of waiting for the next poll. @defaultValue true */
  instantPickup?: boolean;
  /**
   * Fetch ahead (Vigil): while tasks are short (the last `concurrency` tasks each ended within 20 ms), a fetch
   * loop keeps dequeuing past its free slots, up to 4 × its share of `concurrency` leased (Celery's default
   * prefetch multiplier); the extra tasks wait for a slot. So up to 4 × `concurrency` tasks can be active
   * while at most `concurrency` handlers run. Tasks fetched ahead are leased like running ones, requeued at
   * stop/shutdown, and one slow task switches fetching ahead off. false = Go's behaviour (a task is dequeued
   * only into a free slot). @defaultValue true
   */
  prefetch?: boolean;
  /** Source of "now" (tests pass a SimulatedClock). @defaultValue the system clock */
  clock?: Clock;
}

/** {@link ServerOptions} after defaults and validation; durations in milliseconds. */
export interface ResolvedServerOptions {
  readonly concurrency: number;
  /** Queue → priority as configured (after dropping blank names and priorities <= 0); never empty. */
  readonly queues: Readonly<Record<string, number>>;
  readonly strictPriority: boolean;
  readonly taskCheckIntervalMs: number;
  readonly retryDelayFunc: RetryDelayFunc;
  readonly isFailure: IsFailureFunc;
  readonly errorHandler: ErrorHandler | undefined;
  readonly logger: Logger;
  readonly shutdownTimeoutMs: number;
  readonly healthCheckFunc: ((error: Error | null) => void) | undefined;
  readonly healthCheckIntervalMs: number;
  readonly delayedTaskCheckIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  readonly recovererIntervalMs: number;
  /** Lease duration in milliseconds, a whole number of seconds. */
  readonly leaseDurationMs: number;
  readonly groupAggregator: GroupAggregator | undefined;
  readonly groupGracePeriodMs: number;
  readonly groupMaxDelayMs: number;
  readonly groupMaxSize: number;
  readonly janitorIntervalMs: number;
  readonly janitorBatchSize: number;
  readonly fetchers: number;
  readonly dequeueBatchSize: number;
  readonly instantPickup: boolean;
  readonly prefetch: boolean;
  readonly clock: Clock;
  /** Vigil's additions: task logs, checkpoints, run history, rate limits. */
  readonly extras: ResolvedServerExtras;
}

const OP = "server.options";
const OPTION_NAMES = [
  "concurrency",
  "queues",
  "strictPriority",
  "taskCheckInterval",
  "retryDelayFunc",
  "isFailure",
  "errorHandler",
  "logger",
  "logLevel",
  "shutdownTimeout",
  "healthCheckFunc",
  "healthCheckInterval",
  "delayedTaskCheckInterval",
  "heartbeatInterval",
  "recovererInterval",
  "leaseDuration",
  "groupAggregator",
  "groupGracePeriod",
  "groupMaxDelay",
  "groupMaxSize",
  "janitorInterval",
  "janitorBatchSize",
  "fetchers",
  "dequeueBatchSize",
  "instantPickup",
  "prefetch",
  "clock",
  ...EXTRAS_OPTION_NAMES,
] as const satisfies readonly (keyof ServerOptions)[];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "fatal"];
const MAX_INT32 = 2_147_483_647;

function int(name: string, v: unknown, min: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > MAX_INT32) {
    throw new InvalidOptionError(OP, name, v, `an integer from ${min} to ${MAX_INT32}`);
  }
  return v;
}

function duration(name: string, v: Duration | undefined, fallbackMs: number, minMs: number): number {
  if (v === undefined) return fallbackMs;
  const ms = parseDuration(v, name, OP);
  if (ms < minMs) throw new InvalidOptionError(OP, name, v, `a duration of at least ${minMs} ms`);
  return ms;
}

function fn<T>(name: string, v: T | undefined, what: string): T | undefined {
  if (v !== undefined && typeof v !== "function") throw new InvalidOptionError(OP, name, v, what);
  return v;
}

function resolveQueues(v: unknown): Record<string, number> {
  if (v === undefined) return { default: 1 };
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new InvalidOptionError(
      OP,
      "queues",
      v,
      "an object of queue name → priority, e.g. { critical: 6, default: 3 }",
    );
  }
  const out: Record<string, number> = {};
  for (const [name, p] of Object.entries(v as Record<string, unknown>)) {
    if (typeof p !== "number" || !Number.isInteger(p) || p > MAX_INT32) {
      throw new InvalidOptionError(OP, `queues.${name}`, p, "an integer priority (<= 0 drops the queue, as in Go)");
    }
    if (name.trim() === "" || p <= 0) continue;
    out[name] = p;
  }
  return Object.keys(out).length === 0 ? { default: 1 } : out;
}

/** Applies defaults and validates every option; throws {@link InvalidOptionError} naming the bad field. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  if (options === null || typeof options !== "object") {
    throw new InvalidOptionError(OP, "options", options, "an object of server options");
  }
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new InvalidOptionError(OP, key, (options as Record<string, unknown>)[key], OPTION_NAMES.join(", "));
    }
  }
  const o = options;
  const concurrency = int("concurrency", o.concurrency, 1, Math.max(1, availableParallelism()));
  if (o.strictPriority !== undefined && typeof o.strictPriority !== "boolean") {
    throw new InvalidOptionError(OP, "strictPriority", o.strictPriority, "true or false");
  }
  if (o.instantPickup !== undefined && typeof o.instantPickup !== "boolean") {
    throw new InvalidOptionError(OP, "instantPickup", o.instantPickup, "true or false");
  }
  if (o.prefetch !== undefined && typeof o.prefetch !== "boolean") {
    throw new InvalidOptionError(OP, "prefetch", o.prefetch, "true or false");
  }
  if (o.logLevel !== undefined && !LOG_LEVELS.includes(o.logLevel)) {
    throw new InvalidOptionError(OP, "logLevel", o.logLevel, LOG_LEVELS.join(", "));
  }
  if (o.logger !== undefined && (typeof o.logger !== "object" || typeof o.logger?.child !== "function")) {
    throw new InvalidOptionError(OP, "logger", o.logger, "a pino Logger");
  }
  if (o.clock !== undefined && typeof o.clock?.nowMs !== "function") {
    throw new InvalidOptionError(OP, "clock", o.clock, "a Clock ({ nowMs(): number })");
  }
  const fetchers = int("fetchers", o.fetchers, 1, Math.min(4, Math.ceil(concurrency / 5)));
  const logger = o.logger ?? pino({ level: o.logLevel ?? "info", name: "vigil" });
  const heartbeatIntervalMs = duration("heartbeatInterval", o.heartbeatInterval, 5000, 1000);
  const leaseDurationMs = Math.ceil(duration("leaseDuration", o.leaseDuration, 30_000, 1000) / 1000) * 1000;
  if (leaseDurationMs <= heartbeatIntervalMs) {
    throw new InvalidOptionError(
      OP,
      "leaseDuration",
      o.leaseDuration ?? "30s",
      `whole seconds longer than heartbeatInterval (${heartbeatIntervalMs} ms)`,
    );
  }
  return Object.freeze({
    concurrency,
    queues: Object.freeze(resolveQueues(o.queues)),
    strictPriority: o.strictPriority ?? false,
    taskCheckIntervalMs: duration("taskCheckInterval", o.taskCheckInterval, 1000, 1),
    retryDelayFunc:
      fn("retryDelayFunc", o.retryDelayFunc, "a function (retried, error, task) => ms") ?? defaultRetryDelay,
    isFailure: fn("isFailure", o.isFailure, "a function (error) => boolean") ?? defaultIsFailure,
    errorHandler: fn("errorHandler", o.errorHandler, "a function (task, error, ctx)"),
    logger,
    shutdownTimeoutMs: duration("shutdownTimeout", o.shutdownTimeout, 8000, 0),
    healthCheckFunc: fn("healthCheckFunc", o.healthCheckFunc, "a function (error | null)"),
    healthCheckIntervalMs: duration("healthCheckInterval", o.healthCheckInterval, 15_000, 1),
    delayedTaskCheckIntervalMs: duration("delayedTaskCheckInterval", o.delayedTaskCheckInterval, 5000, 1),
    heartbeatIntervalMs,
    recovererIntervalMs: duration("recovererInterval", o.recovererInterval, 60_000, 1),
    leaseDurationMs,
    groupAggregator: fn("groupAggregator", o.groupAggregator, "a function (group, tasks) => Task"),
    groupGracePeriodMs: duration("groupGracePeriod", o.groupGracePeriod, 60_000, 1000),
    groupMaxDelayMs: duration("groupMaxDelay", o.groupMaxDelay, 0, 0),
    groupMaxSize: int("groupMaxSize", o.groupMaxSize, 0, 0),
    janitorIntervalMs: duration("janitorInterval", o.janitorInterval, 8000, 1),
    janitorBatchSize: int("janitorBatchSize", o.janitorBatchSize, 1, 100),
    fetchers,
    dequeueBatchSize: int("dequeueBatchSize", o.dequeueBatchSize, 1, Math.min(32, concurrency)),
    instantPickup: o.instantPickup ?? true,
    prefetch: o.prefetch ?? true,
    clock: o.clock ?? systemClock,
    extras: resolveServerExtras(o),
  });
}
