// Pure cron-monitor evaluation: expected ticks of a spec in a window, matched to the enqueues seen, with
// missed/late verdicts, next runs, consecutive failures and one health status. No Redis, no clock.
import type { CronHealth, CronRunOutcome, CronRunTiming } from "../../cron-types.js";
import { parseCronSpec, type CronSchedule } from "./cron-spec.js";

/*
 * Rules (Cronitor / Healthchecks style):
 * - Ticks: the spec's fire times in [from, now] (`TZ=` prefix, else `location`, default UTC). `@every d` has no
 *   fixed grid, so its ticks are anchor + k·d with the anchor = the scheduler's published next run, else the
 *   latest scheduled run's tick (its enqueue second), else the published previous run; with none, no ticks.
 * - Expected ticks: only those at or after the moment the entry is known to exist = the earliest of the monitor's
 *   first sight, the tick of the earliest run seen and the published previous run. (A Go scheduler that started
 *   five minutes ago owes nothing for the 24 h before; a Vigil entry, whose id is stable, owes its downtime.)
 * - Matching: a scheduled run fills the tick it names (Vigil's run log records it) when that tick is expected;
 *   otherwise the latest tick t ≤ enqueue + 1 s (min(1 s, period/2), tolerating clock skew) whose next tick has
 *   not come. One run per tick; a second run for the same tick, or one before the first expected tick, is
 *   "unmatched". Manual runs never fill ticks.
 * - A filled tick is on time when enqueued ≤ tick + grace, else late (it is, by construction, before the next
 *   tick). An unfilled tick is "due" while now ≤ tick + grace, then missed (a run arriving later, before the
 *   next tick, turns it into late).
 * - The judged tick is the latest expected tick that has a verdict (filled, or unfilled past its grace). Status:
 *   paused > scheduler-down > invalid > missed (judged tick unfilled) > late (judged tick filled late) >
 *   failing (consecutive failures > 0) > never (no fire time at all) > healthy.
 * - Consecutive failures: runs (manual included) newest first; retry, archived and gone-after-error count,
 *   pending/active/scheduled/aggregating are skipped, the first success (completed, succeeded,
 *   gone-presumed-success) stops the count.
 * - Next runs: none when the entry is not live (nothing will fire it) or the spec never fires.
 */

/** Ticks kept per evaluation (the newest ones); a window holding more is shortened. */
export const MAX_TICKS = 50_000;
const SKEW_MS = 1000;

/** An entry as the evaluator needs it. */
export interface MonitoredEntry {
  spec: string;
  /** Zone for specs without a `TZ=` prefix. @defaultValue "UTC" */
  location?: string;
  /** The scheduler's published next run (epoch ms), if known. */
  nextMs?: number | null;
  /** The scheduler's published previous run (epoch ms), if known. */
  prevMs?: number | null;
  /** When the monitor first saw the entry (epoch ms); omitted = expect every tick of the window. */
  firstSeenMs?: number | null;
  /** A heartbeating scheduler publishes it. */
  live: boolean;
  /** Its queue is paused. */
  queuePaused: boolean;
}

/** One enqueue seen for the entry. */
export interface ObservedRun {
  taskId: string;
  enqueuedMs: number;
  manual: boolean;
  /** The tick the scheduler says this run was for (Vigil's run log), if known. */
  tickMs?: number | null;
  /** What became of the task; undefined when not looked up. */
  outcome?: CronRunOutcome;
}

/** Window and thresholds. */
export interface EvaluateOptions {
  fromMs: number;
  nowMs: number;
  graceMs: number;
  /** How many upcoming fire times to list. */
  nextRuns: number;
}

/** Verdict on one expected tick. */
export interface TickVerdict {
  tickMs: number;
  verdict: "on-time" | "late" | "missed" | "due";
  /** The run that filled it. */
  taskId: string | null;
}

/** A run with its place in the schedule. */
export interface EvaluatedRun extends ObservedRun {
  tickMs: number | null;
  timing: CronRunTiming;
}

/** Everything the monitor concludes about one entry. */
export interface CronEvaluation {
  status: CronHealth;
  /** Expected ticks, oldest first. */
  ticks: TickVerdict[];
  expected: number;
  actual: number;
  onTime: number;
  late: number;
  missed: number;
  due: number;
  unmatched: number;
  /** Scheduled runs in the window, newest first. */
  runs: EvaluatedRun[];
  /** Manual runs in the window, newest first. */
  manualRuns: EvaluatedRun[];
  lastEnqueueMs: number | null;
  nextRunsMs: number[];
  consecutiveFailures: number;
  specError: string | null;
  warnings: string[];
}

/** How an outcome counts: a success, a failure, or not finished. */
export function outcomeKind(o: CronRunOutcome | undefined): "success" | "failure" | "in-flight" | "unknown" {
  switch (o) {
    case "completed":
    case "succeeded":
    case "gone-presumed-success":
      return "success";
    case "retry":
    case "archived":
    case "gone-after-error":
      return "failure";
    case undefined:
      return "unknown";
    default:
      return "in-flight";
  }
}

/** Latest finished runs that failed, newest first, up to the first success (in-flight runs are skipped). */
export function consecutiveFailures(runs: readonly ObservedRun[]): number {
  let n = 0;
  for (const r of [...runs].sort((a, b) => b.enqueuedMs - a.enqueuedMs)) {
    const k = outcomeKind(r.outcome);
    if (k === "success") break;
    if (k === "failure") n++;
  }
  return n;
}

/** Every tick in [fromMs, toMs] (the newest MAX_TICKS), and the fire after a tick. */
interface Grid {
  ticks: number[];
  after(tickMs: number): number | null;
  upcoming(nowMs: number, n: number): number[];
}

function gridOf(s: CronSchedule, fromMs: number, toMs: number, anchorMs: number | null): Grid {
  if (s.kind === "every") {
    const d = s.everySeconds * 1000;
    if (anchorMs === null) return { ticks: [], after: (t) => t + d, upcoming: () => [] };
    const kMax = Math.floor((toMs - anchorMs) / d);
    const kMin = Math.max(Math.ceil((fromMs - anchorMs) / d), kMax - MAX_TICKS + 1);
    const ticks: number[] = [];
    for (let k = kMin; k <= kMax; k++) ticks.push(anchorMs + k * d);
    const upcoming = (nowMs: number, n: number): number[] => {
      const first = anchorMs + (Math.floor((nowMs - anchorMs) / d) + 1) * d;
      return Array.from({ length: n }, (_, i) => first + i * d);
    };
    return { ticks, after: (t) => t + d, upcoming };
  }
  const after = (t: number): number | null => s.next(new Date(t))?.getTime() ?? null;
  let ticks: number[] = [];
  for (let t = after(fromMs - 1); t !== null && t <= toMs; t = after(t)) {
    ticks.push(t);
    if (ticks.length > 2 * MAX_TICKS) ticks = ticks.slice(-MAX_TICKS);
  }
  if (ticks.length > MAX_TICKS) ticks = ticks.slice(-MAX_TICKS);
  const upcoming = (nowMs: number, n: number): number[] => {
    const out: number[] = [];
    for (let t = after(nowMs); t !== null && out.length < n; t = after(t)) out.push(t);
    return out;
  };
  return { ticks, after, upcoming };
}

/** Index of the latest tick ≤ ms, or -1. */
function latestAtOrBefore(ticks: readonly number[], ms: number): number {
  let lo = 0;
  let hi = ticks.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid]! <= ms) [found, lo] = [mid, mid + 1];
    else hi = mid - 1;
  }
  return found;
}

function anchorOf(entry: MonitoredEntry, scheduled: readonly ObservedRun[]): number | null {
  if (entry.nextMs != null) return entry.nextMs;
  const latest = scheduled.reduce<ObservedRun | null>((a, r) => (a && a.enqueuedMs >= r.enqueuedMs ? a : r), null);
  if (latest) return latest.tickMs ?? Math.floor(latest.enqueuedMs / 1000) * 1000;
  return entry.prevMs ?? null;
}

/** Evaluates one entry over [fromMs, nowMs]; see the rules at the top of this file. */
export function evaluateCronEntry(
  entry: MonitoredEntry,
  observed: readonly ObservedRun[],
  o: EvaluateOptions,
): CronEvaluation {
  const inWindow = observed.filter((r) => r.enqueuedMs >= o.fromMs);
  const newestFirst = (a: ObservedRun, b: ObservedRun): number => b.enqueuedMs - a.enqueuedMs;
  const manual = inWindow.filter((r) => r.manual).sort(newestFirst);
  const scheduled = inWindow.filter((r) => !r.manual).sort((a, b) => a.enqueuedMs - b.enqueuedMs);
  const lastEnqueueMs = inWindow.reduce<number | null>((m, r) => Math.max(m ?? r.enqueuedMs, r.enqueuedMs), null);
  const warnings: string[] = [];
  let schedule: CronSchedule | null = null;
  let specError: string | null = null;
  try {
    schedule = parseCronSpec(entry.spec, { location: entry.location ?? "UTC" });
  } catch (e) {
    specError = e instanceof Error ? e.message : String(e);
  }

  const runs: EvaluatedRun[] = scheduled.map((r) => ({ ...r, tickMs: null, timing: "unmatched" }));
  const ticks: TickVerdict[] = [];
  let nextRunsMs: number[] = [];
  let never = false;
  if (schedule) {
    const grid = gridOf(schedule, o.fromMs, o.nowMs, anchorOf(entry, scheduled));
    const period = grid.ticks.length > 1 ? grid.ticks[1]! - grid.ticks[0]! : Number.POSITIVE_INFINITY;
    const skew = Math.min(SKEW_MS, period / 2);
    const tickSet = new Set(grid.ticks);
    const tickOf = (r: ObservedRun): number | null => {
      if (r.tickMs != null && tickSet.has(r.tickMs)) return r.tickMs;
      const i = latestAtOrBefore(grid.ticks, r.enqueuedMs + skew);
      return i < 0 ? null : grid.ticks[i]!;
    };
    const starts = [entry.firstSeenMs ?? Number.NEGATIVE_INFINITY, entry.prevMs ?? Number.POSITIVE_INFINITY];
    const firstTick = scheduled.length > 0 ? tickOf(scheduled[0]!) : null;
    if (firstTick !== null) starts.push(firstTick);
    const activeFrom = Math.min(...starts);
    const filled = new Map<number, EvaluatedRun>();
    for (const run of runs) {
      const t = tickOf(run);
      if (t === null || t < activeFrom || filled.has(t)) continue;
      run.tickMs = t;
      run.timing = run.enqueuedMs - t <= o.graceMs ? "on-time" : "late";
      filled.set(t, run);
    }
    for (const t of grid.ticks) {
      if (t < activeFrom) continue;
      const run = filled.get(t);
      const verdict = run ? (run.timing as "on-time" | "late") : o.nowMs - t <= o.graceMs ? "due" : "missed";
      ticks.push({ tickMs: t, verdict, taskId: run?.taskId ?? null });
    }
    const upcoming = grid.upcoming(o.nowMs, Math.max(o.nextRuns, 1));
    never = schedule.kind === "cron" && upcoming.length === 0 && grid.ticks.length === 0;
    nextRunsMs = entry.live ? upcoming.slice(0, o.nextRuns) : [];
    if (schedule.kind === "cron" && entry.live && entry.nextMs != null && grid.after(entry.nextMs - 1) !== entry.nextMs)
      warnings.push(
        `the scheduler's next run ${new Date(entry.nextMs).toISOString()} is not a fire time of ${JSON.stringify(entry.spec)} in ${schedule.location}: its scheduler probably runs in another zone (set the location option)`,
      );
  }

  const count = (v: TickVerdict["verdict"]): number => ticks.filter((t) => t.verdict === v).length;
  const judged = [...ticks].reverse().find((t) => t.verdict !== "due");
  const failures = consecutiveFailures(inWindow);
  const status: CronHealth = entry.queuePaused
    ? "paused"
    : !entry.live
      ? "scheduler-down"
      : specError !== null
        ? "invalid"
        : judged?.verdict === "missed"
          ? "missed"
          : judged?.verdict === "late"
            ? "late"
            : failures > 0
              ? "failing"
              : never
                ? "never"
                : "healthy";
  return {
    status,
    ticks,
    expected: ticks.length,
    actual: count("on-time") + count("late"),
    onTime: count("on-time"),
    late: count("late"),
    missed: count("missed"),
    due: count("due"),
    unmatched: runs.filter((r) => r.timing === "unmatched").length,
    runs: runs.sort(newestFirst),
    manualRuns: manual.map((r) => ({ ...r, tickMs: null, timing: "manual" })),
    lastEnqueueMs,
    nextRunsMs,
    consecutiveFailures: failures,
    specError,
    warnings,
  };
}
