// "Spec in words" for the cron monitor: an English sentence for a parsed spec, e.g. "every 15 minutes",
// "at 02:00 every day (Asia/Ho_Chi_Minh)", "at 09:00 on Monday to Friday", "every 30s".
import { parseCronSpec, type CronSchedule, type CronSpecOptions } from "./cron-spec.js";
import { compactSeconds } from "./go-duration.js";
import type { CronField, CronFields } from "./next.js";

const MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August"].concat([
  "September",
  "October",
  "November",
  "December",
]);
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const valuesOf = (f: CronField): number[] => f.values.flatMap((on, v) => (on ? [v] : []));
const covers = (vals: number[], min: number, max: number): boolean => vals.length === max - min + 1;
const two = (n: number): string => String(n).padStart(2, "0");
const clock = (h: number, m: number): string => `${two(h)}:${two(m)}`;

/** "a", "a and b", "a, b and c". */
function joinAnd(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The step of an arithmetic run of at least 3 values, or 0. */
function stepOf(vals: number[]): number {
  if (vals.length < 3) return 0;
  const step = (vals[1] ?? 0) - (vals[0] ?? 0);
  return vals.every((v, i) => i === 0 || v - (vals[i - 1] ?? 0) === step) ? step : 0;
}

/** A value list in words: runs of 3+ consecutive values become "a to b"; longer steps "a, b, c, …, z". */
function listOf(vals: number[], name: (v: number) => string = String): string {
  const step = stepOf(vals);
  if (step > 1 && vals.length > 4) {
    return `${vals.slice(0, 3).map(name).join(", ")}, …, ${name(vals[vals.length - 1] ?? 0)}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < vals.length;) {
    let j = i;
    while (j + 1 < vals.length && (vals[j + 1] ?? 0) === (vals[j] ?? 0) + 1) j++;
    if (j - i >= 2) parts.push(`${name(vals[i] ?? 0)} to ${name(vals[j] ?? 0)}`);
    else for (let k = i; k <= j; k++) parts.push(name(vals[k] ?? 0));
    i = j + 1;
  }
  return joinAnd(parts);
}

/** "every k <unit>s" when `vals` is a step from its minimum to the end of the range, else undefined. */
function everyStep(vals: number[], min: number, max: number, unit: string): string | undefined {
  const step = stepOf(vals);
  const first = vals[0] ?? 0;
  const last = vals[vals.length - 1] ?? 0;
  if (step < 2 || last + step <= max || first - step >= min) return undefined;
  return `every ${step} ${unit}s${first === min ? "" : ` from ${unit} ${first}`}`;
}

/** "every k hours" (at minute m), or from the first hour's clock time when the step does not start at 0. */
function everyHours(hours: number[], minute: number): string | undefined {
  const text = everyStep(hours, 0, 23, "hour");
  if (text === undefined) return undefined;
  const first = hours[0] ?? 0;
  if (first !== 0) return `every ${stepOf(hours)} hours from ${clock(first, minute)}`;
  return minute === 0 ? text : `${text} at minute ${minute}`;
}

function hoursPhrase(hours: number[]): string {
  const first = hours[0] ?? 0;
  const last = hours[hours.length - 1] ?? 0;
  if (last - first === hours.length - 1) return `from ${clock(first, 0)} to ${clock(last, 59)}`;
  return `during hours ${listOf(hours)}`;
}

function timePhrase(minutes: number[], hours: number[]): string {
  const allM = covers(minutes, 0, 59);
  const allH = covers(hours, 0, 23);
  if (allM) return allH ? "every minute" : `every minute ${hoursPhrase(hours)}`;
  const minuteStep = everyStep(minutes, 0, 59, "minute");
  if (minuteStep !== undefined) return allH ? minuteStep : `${minuteStep} ${hoursPhrase(hours)}`;
  const only = minutes.length === 1 ? (minutes[0] ?? 0) : undefined;
  if (only !== undefined && allH) return only === 0 ? "every hour" : `every hour at minute ${only}`;
  const hourStep = only === undefined ? undefined : everyHours(hours, only);
  if (hourStep !== undefined) return hourStep;
  if (!allH && minutes.length * hours.length <= 6) {
    return `at ${joinAnd(hours.flatMap((h) => minutes.map((m) => clock(h, m))))}`;
  }
  const minutesText = minutes.length === 1 ? `minute ${only}` : `minutes ${listOf(minutes)}`;
  return `at ${minutesText} past ${allH ? "every hour" : `hours ${listOf(hours)}`}`;
}

function domPhrase(days: number[]): string {
  return days.length === 1 ? `day ${days[0]} of the month` : `days ${listOf(days)} of the month`;
}

function dowPhrase(days: number[]): string {
  return listOf(days, (d) => DAY_NAMES[d] ?? String(d));
}

/** The day part; "every day" when every day matches, "" when no day can match. */
function dayPhrase(dom: CronField, dow: CronField): string {
  const dayVals = valuesOf(dom);
  const weekVals = valuesOf(dow);
  const allDom = covers(dayVals, 1, 31);
  const allDow = covers(weekVals, 0, 6);
  if (dom.star || dow.star) {
    // robfig: both must match.
    if (dayVals.length === 0 || weekVals.length === 0) return "";
    if (allDom && allDow) return "every day";
    if (allDom) return `on ${dowPhrase(weekVals)}`;
    if (allDow) return `on ${domPhrase(dayVals)}`;
    return `on ${domPhrase(dayVals)} if it is a ${dowPhrase(weekVals)}`;
  }
  // robfig: either may match.
  if (allDom || allDow) return "every day";
  if (dayVals.length === 0 && weekVals.length === 0) return "";
  if (dayVals.length === 0) return `on ${dowPhrase(weekVals)}`;
  if (weekVals.length === 0) return `on ${domPhrase(dayVals)}`;
  return `on ${domPhrase(dayVals)} or on ${dowPhrase(weekVals)}`;
}

const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when only day-of-month decides (both must match) and no chosen month has any of those days. */
function noDayInMonths(f: CronFields, months: number[]): boolean {
  if (!(f.dayOfMonth.star || f.dayOfWeek.star)) return false;
  const firstDay = valuesOf(f.dayOfMonth)[0] ?? 32;
  return months.every((m) => (MONTH_DAYS[m] ?? 31) < firstDay);
}

/**
 * A parsed schedule in English. The zone is named when it matters (specific hours or days) and either came
 * from the spec's `TZ=` prefix or `showLocation` is true.
 */
export function describeSchedule(s: CronSchedule, showLocation = false): string {
  if (s.kind === "every") return `every ${compactSeconds(s.everySeconds)}`;
  const f = s.fields;
  const minutes = valuesOf(f.minute);
  const hours = valuesOf(f.hour);
  const months = valuesOf(f.month);
  const day = dayPhrase(f.dayOfMonth, f.dayOfWeek);
  if (minutes.length === 0 || hours.length === 0 || months.length === 0 || day === "") return "never";
  if (noDayInMonths(s.fields, months)) return "never";
  const time = timePhrase(minutes, hours);
  let text = time;
  if (day !== "every day") text += ` ${day}`;
  else if (time.startsWith("at ") && !time.endsWith("every hour")) text += " every day";
  const allMonths = covers(months, 1, 12);
  if (!allMonths) text += ` in ${listOf(months, (m) => MONTH_NAMES[m] ?? String(m))}`;
  const zoneMatters = !covers(hours, 0, 23) || day !== "every day" || !allMonths;
  if (zoneMatters && (s.zoneFromSpec || showLocation)) text += ` (${s.location})`;
  return text;
}

/**
 * The spec in English, for the cron monitor: "every 15 minutes", "at 02:00 every day (Asia/Ho_Chi_Minh)",
 * "every 30s". The zone is named when it came from a `TZ=` prefix or `options.location` is given.
 * Throws {@link CronSpecError} (from parseCronSpec) when Go asynq would refuse the spec.
 */
export function describeCronSpec(spec: string, options: CronSpecOptions = {}): string {
  return describeSchedule(parseCronSpec(spec, options), options.location !== undefined);
}
