// Public types of the cron monitor (Inspector.cronStatus / runCronEntryNow): per-entry health, runs with
// outcomes, missed ticks. The rules behind them are documented in internal/cron/monitor.ts.
import type { Duration, EnqueueOptions } from "./options.js";

/**
 * Health of one cron entry, by precedence: `paused` (its queue is paused) > `scheduler-down` (no live scheduler
 * publishes it any more) > `invalid` (the spec does not parse here) > `missed` (the latest judged tick has no
 * run) > `late` (that tick's run came after the grace period) > `failing` (the latest finished run failed) >
 * `never` (the spec can never fire) > `healthy`.
 */
export type CronHealth = "paused" | "scheduler-down" | "invalid" | "missed" | "late" | "failing" | "never" | "healthy";

/**
 * What became of a run's task. The task states while its hash exists; once it is gone: `succeeded` when
 * Vigil's run history recorded a successful last attempt, `gone-after-error` when it recorded a failed one,
 * else `gone-presumed-success` (Go deletes tasks that succeed without retention, so that is the likely story,
 * but it is a presumption and labelled so: an operator may also have deleted it).
 */
export type CronRunOutcome =
  | "pending"
  | "active"
  | "scheduled"
  | "aggregating"
  | "retry"
  | "archived"
  | "completed"
  | "succeeded"
  | "gone-presumed-success"
  | "gone-after-error";

/** How a run relates to the schedule. */
export type CronRunTiming = "on-time" | "late" | "manual" | "unmatched";

/** One enqueue made by a cron entry (or by "run now"), with what became of its task. */
export interface CronRun {
  taskId: string;
  /** Queue the task went to. */
  queue: string;
  /** When it was enqueued. */
  enqueuedAt: Date;
  /** The expected tick this run fulfilled; null for manual runs and runs that fill no expected tick. */
  tickAt: Date | null;
  /** True for "run now" runs (never counted as ticks). */
  manual: boolean;
  /** on-time (within grace of its tick), late (after grace, before the next tick), manual or unmatched. */
  timing: CronRunTiming;
  /** enqueuedAt − tickAt in ms, or null without a tick. */
  delayMs: number | null;
  outcome: CronRunOutcome;
  /** Run time of the last attempt when Vigil's run history recorded it, else null. */
  durationMs: number | null;
  /** Last error text of the task ("" when none). */
  error: string;
}

/** One cron entry's health over the window, for any scheduler (Go or Vigil). */
export interface CronEntryStatus {
  /** Entry id (Go: a random UUID per process; Vigil: stable across restarts). */
  id: string;
  spec: string;
  /** The spec in English, e.g. "every 15 minutes"; the spec itself when it does not parse. */
  specInWords: string;
  taskType: string;
  payload: Uint8Array;
  /** Options parsed back from {@link optionStrings}. */
  options: EnqueueOptions;
  /** Options as the scheduler stored them, e.g. `Queue("low")`. */
  optionStrings: string[];
  /** Queue the entry enqueues into. */
  queue: string;
  /** Scheduler that publishes (or last published) the entry: the `host:pid:uuid` of its entries key. */
  schedulerId: string;
  /** True while a heartbeating scheduler publishes the entry. */
  live: boolean;
  status: CronHealth;
  /** Upcoming fire times, soonest first; empty when not live or when the spec never fires. */
  nextRuns: Date[];
  /** Latest enqueue (scheduled or manual) seen in the window. */
  lastEnqueuedAt: Date | null;
  /** Expected ticks in the window (only from when the entry is known to exist). */
  expected: number;
  /** Ticks fulfilled by a run (on time + late). */
  actual: number;
  onTime: number;
  late: number;
  /** Ticks past their grace with no run. */
  missed: number;
  /** Runs that fill no expected tick (a second run for one tick, or one before the entry's first expected tick). */
  unmatched: number;
  /** Newest missed ticks first (at most 100). */
  missedTicks: Date[];
  /** Runs in the window, newest first (at most `maxRuns`), manual ones included and flagged. */
  runs: CronRun[];
  /** Latest finished runs that failed (retry, archived, gone-after-error), counting back to the first success. */
  consecutiveFailures: number;
  /** When the monitor first and last saw the entry published. */
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** Why the spec could not be evaluated (status "invalid"), else null. */
  specError: string | null;
  /** Things that look off, e.g. the published next run does not match the spec in the assumed zone. */
  warnings: string[];
}

/** Options of `Inspector.cronStatus`. */
export interface CronStatusOptions {
  /** How far back to look for ticks and runs (ms or a Go duration string). @defaultValue "24h" */
  windowMs?: Duration;
  /** How long after a tick its run still counts as on time (ms or a Go duration string). @defaultValue "60s" */
  graceMs?: Duration;
  /** Upcoming fire times listed per entry. @defaultValue 5 */
  nextRuns?: number;
  /** Runs listed per entry (newest first); also bounds the consecutive-failure count. @defaultValue 100 */
  maxRuns?: number;
  /** IANA zone of schedulers for specs without a `TZ=` prefix (Go's Scheduler Location). @defaultValue "UTC" */
  location?: string;
}
