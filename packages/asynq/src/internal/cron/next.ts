// Next fire time of a five-field cron schedule, step for step as robfig/cron v3.0.1's SpecSchedule.Next
// over Go's time package (so DST nights come out exactly as Go asynq's scheduler sees them).
import type { Zone } from "./zone.js";

/** One parsed cron field: which values match, and robfig's "star" flag (`*`/`?` without a step > 1). */
export interface CronField {
  /** `values[v]` is true when value v matches (index = value; minute 0-59, day-of-month 1-31, ...). */
  readonly values: readonly boolean[];
  /** True when the field was `*` or `?` with no step above 1 (only day fields use it: the OR rule). */
  readonly star: boolean;
}

/** The five fields of a spec plus robfig's implicit seconds field (always second 0). */
export interface CronFields {
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
}

const has = (f: CronField, v: number): boolean => f.values[v] === true;
const isEmpty = (f: CronField): boolean => !f.values.some((v) => v);

/**
 * robfig's dayMatches: if either day field is a star both must match, otherwise either may (classic cron OR).
 */
export function dayMatches(f: CronFields, day: number, weekday: number): boolean {
  const domMatch = has(f.dayOfMonth, day);
  const dowMatch = has(f.dayOfWeek, weekday);
  if (f.dayOfMonth.star || f.dayOfWeek.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

/** True when no instant can ever match (robfig would search five years and return Go's zero time). */
function neverMatches(f: CronFields): boolean {
  if (isEmpty(f.minute) || isEmpty(f.hour) || isEmpty(f.month)) return true;
  const domEmpty = isEmpty(f.dayOfMonth);
  const dowEmpty = isEmpty(f.dayOfWeek);
  if (f.dayOfMonth.star || f.dayOfWeek.star) return domEmpty || dowEmpty;
  return domEmpty && dowEmpty;
}

/**
 * The first instant strictly after `afterMs` (epoch ms) whose wall clock in `zone` matches `f` at second 0,
 * or null when robfig gives up (no match within five years: Go's zero time).
 */
export function nextSpecTime(f: CronFields, zone: Zone, afterMs: number): number | null {
  if (neverMatches(f)) return null;
  // Start at the upcoming whole second.
  let t = Math.floor(afterMs / 1000) + 1;
  let added = false;
  const yearLimit = zone.wall(t).year + 5;

  wrap: for (;;) {
    let w = zone.wall(t);
    if (w.year > yearLimit) return null;

    while (!has(f.month, w.month)) {
      if (!added) {
        added = true;
        t = zone.date(w.year, w.month, 1, 0, 0, 0);
        w = zone.wall(t);
      }
      t = zone.date(w.year, w.month + 1, w.day, w.hour, w.minute, w.second); // AddDate(0, 1, 0)
      w = zone.wall(t);
      if (w.month === 1) continue wrap;
    }

    while (!dayMatches(f, w.day, w.weekday)) {
      if (!added) {
        added = true;
        t = zone.date(w.year, w.month, w.day, 0, 0, 0);
        w = zone.wall(t);
      }
      t = zone.date(w.year, w.month, w.day + 1, w.hour, w.minute, w.second); // AddDate(0, 0, 1)
      w = zone.wall(t);
      // Midnight may not exist on a DST day: step back to it (or on to the next one).
      if (w.hour !== 0) {
        t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3600;
        w = zone.wall(t);
      }
      if (w.day === 1) continue wrap;
    }

    while (!has(f.hour, w.hour)) {
      if (!added) {
        added = true;
        t = zone.date(w.year, w.month, w.day, w.hour, 0, 0);
      }
      t += 3600;
      w = zone.wall(t);
      if (w.hour === 0) continue wrap;
    }

    while (!has(f.minute, w.minute)) {
      if (!added) {
        added = true;
        t -= mod(t, 60); // Truncate(time.Minute): absolute time, not wall clock
      }
      t += 60;
      w = zone.wall(t);
      if (w.minute === 0) continue wrap;
    }

    // Seconds field: only second 0 matches.
    while (w.second !== 0) {
      added = true; // Truncate(time.Second) is a no-op: t is always whole seconds here
      t += 1;
      w = zone.wall(t);
      if (w.second === 0) continue wrap;
    }

    return t * 1000;
  }
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;
