// When a cron entry fires: Go's next-time rules (robfig via next.ts), with one deliberate difference —
// on a DST fall-back night a wall-clock time that repeats fires once, not twice as robfig does.
import type { CronSchedule } from "./cron-spec.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock minute of `ms` in `zone`, e.g. "2026-10-25 02:00". */
export function wallMinute(ms: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(zone, f);
  }
  return f.format(new Date(ms));
}

/**
 * The next tick strictly after `afterMs` (epoch ms), or null when the spec never fires. `prevTickMs` is the
 * tick before it: a cron (not `@every`) tick that repeats the previous tick's wall-clock time is skipped.
 */
export function nextTick(
  schedule: CronSchedule,
  afterMs: number,
  prevTickMs: number | null,
  alignEvery = false,
): number | null {
  if (schedule.kind === "every" && alignEvery) {
    // Replicas of a highly available scheduler must agree on `@every` ticks: multiples of the delay since the epoch.
    const step = schedule.everySeconds * 1000;
    return (Math.floor(afterMs / step) + 1) * step;
  }
  let next = schedule.next(new Date(afterMs))?.getTime() ?? null;
  if (next !== null && prevTickMs !== null && schedule.kind === "cron") {
    const prevWall = wallMinute(prevTickMs, schedule.location);
    while (next !== null && next - prevTickMs <= 2 * 3600_000 && wallMinute(next, schedule.location) === prevWall)
      next = schedule.next(new Date(next))?.getTime() ?? null;
  }
  return next;
}

/** Ticks in (fromMs, toMs], oldest first, at most `limit` (the newest ones are kept when there are more). */
export function ticksBetween(
  schedule: CronSchedule,
  fromMs: number,
  toMs: number,
  limit = 10_000,
  alignEvery = false,
): number[] {
  const out: number[] = [];
  let prev: number | null = null;
  let t = nextTick(schedule, fromMs, null, alignEvery);
  while (t !== null && t <= toMs) {
    out.push(t);
    if (out.length > limit) out.shift();
    prev = t;
    t = nextTick(schedule, t, prev, alignEvery);
  }
  return out;
}

/** The newest tick in (nowMs - windowMs, nowMs], or null. */
export function latestTick(schedule: CronSchedule, nowMs: number, windowMs: number, alignEvery = false): number | null {
  const ticks = ticksBetween(schedule, nowMs - windowMs, nowMs, 10_000, alignEvery);
  return ticks.length ? ticks[ticks.length - 1]! : null;
}
