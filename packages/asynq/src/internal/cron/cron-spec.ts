// Cron specs exactly as Go asynq's Scheduler.Register reads them (robfig/cron v3.0.1 standard parser):
// five fields, descriptors, `@every <Go duration>`, `TZ=`/`CRON_TZ=` prefixes, and Go's error texts.
import { AsynqError } from "../errors.js";
import { goAtoi, goFields, goStringList, goTrimSpace } from "./go-text.js";
import { parseGoDuration } from "./go-duration.js";
import { nextSpecTime, type CronField, type CronFields } from "./next.js";
import { loadZone, type Zone } from "./zone.js";

/** Names of the five fields, in spec order. */
export type CronFieldName = "minute" | "hour" | "day-of-month" | "month" | "day-of-week";

/** A spec Go asynq would refuse (or crash on). The message names the part at fault and quotes Go's error. */
export class CronSpecError extends AsynqError {
  override name = "CronSpecError";
  /** The spec as given. */
  readonly spec: string;
  /** The field at fault, when the fault is inside one of the five fields. */
  readonly field: CronFieldName | undefined;
  /** Go's error text from Scheduler.Register, or undefined when Go panics instead (see {@link goPanic}). */
  readonly goError: string | undefined;
  /** Go's panic text, for the specs that crash Go's Register (a zone prefix with nothing after it). */
  readonly goPanic: string | undefined;
  constructor(
    spec: string,
    message: string,
    go: { error?: string; panic?: string; field?: CronFieldName },
    op = "cron.parse",
  ) {
    super(op, "INVALID_ARGUMENT", message);
    this.spec = spec;
    this.field = go.field;
    this.goError = go.error;
    this.goPanic = go.panic;
  }
}

/** True when `e` is a {@link CronSpecError}. */
export function isCronSpecError(e: unknown): e is CronSpecError {
  return e instanceof CronSpecError;
}

/** Options of {@link parseCronSpec}. */
export interface CronSpecOptions {
  /** IANA zone of the scheduler (Go's Scheduler Location); a `TZ=` prefix wins over it. Default "UTC". */
  location?: string;
}

/** What every parsed spec offers. */
interface ScheduleBase {
  /** The spec as given (including any `TZ=` prefix). */
  readonly spec: string;
  /** The zone the schedule runs in: the prefix's zone, else the location option. */
  readonly location: string;
  /** True when the spec carried a `TZ=`/`CRON_TZ=` prefix naming a zone (not `Local`). */
  readonly zoneFromSpec: boolean;
  /**
   * The next fire time strictly after `after`, or null when there is none within five years (Go's zero time:
   * the entry never fires). Called with the previous fire's handling time, this gives Go's next fire.
   */
  next(after: Date): Date | null;
}

/** A five-field spec or a descriptor other than `@every`. */
export interface CronSpecSchedule extends ScheduleBase {
  readonly kind: "cron";
  /** The matched values of each field. */
  readonly fields: CronFields;
  /** The descriptor used (`@daily`, ...), if the spec was one. */
  readonly descriptor: string | undefined;
}

/** `@every <duration>`: a constant delay in whole seconds (at least 1), zone-independent. */
export interface EverySchedule extends ScheduleBase {
  readonly kind: "every";
  /** The delay between fires in whole seconds (Go rounds down, minimum 1 s). */
  readonly everySeconds: number;
}

/** A parsed spec. */
export type CronSchedule = CronSpecSchedule | EverySchedule;

interface Bounds {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  readonly names?: ReadonlyMap<string, number>;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const BOUNDS: readonly Bounds[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: new Map(MONTHS.map((m, i) => [m, i + 1])) },
  { name: "day-of-week", min: 0, max: 6, names: new Map(DAYS.map((d, i) => [d, i])) },
];

/** Thrown by the field parser with Go's text; turned into a CronSpecError naming the field. */
class FieldFault {
  constructor(readonly goError: string) {}
}

function mustParseInt(expr: string): bigint {
  const r = goAtoi(expr);
  if (!r.ok) throw new FieldFault(`failed to parse int from ${expr}: ${r.error}`);
  if (r.value < 0n) throw new FieldFault(`negative number (${r.value}) not allowed: ${expr}`);
  return r.value;
}

function parseIntOrName(expr: string, b: Bounds): bigint {
  const named = b.names?.get(expr.toLowerCase());
  return named !== undefined ? BigInt(named) : mustParseInt(expr);
}

/** robfig's getRange: `*`/`?`, `a`, `a-b`, each with an optional `/step`; marks into `values`. Returns "star". */
function parseRange(expr: string, b: Bounds, values: boolean[]): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  const low = lowAndHigh[0] ?? "";
  let start: bigint;
  let end: bigint;
  let star = false;
  if (low === "*" || low === "?") {
    // robfig ignores anything after "*-" here.
    [start, end, star] = [BigInt(b.min), BigInt(b.max), true];
  } else {
    start = parseIntOrName(low, b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] ?? "", b);
    else throw new FieldFault(`too many hyphens: ${expr}`);
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1] ?? "");
    if (lowAndHigh.length === 1) end = BigInt(b.max); // "N/step" means "N-max/step"
    if (step > 1n) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new FieldFault(`too many slashes: ${expr}`);
  }
  if (start < BigInt(b.min)) throw new FieldFault(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > BigInt(b.max)) throw new FieldFault(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new FieldFault(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0n) throw new FieldFault(`step of range should be a positive number: ${expr}`);
  for (let v = Number(start); v <= Number(end); v += Number(step)) values[v] = true;
  return star;
}

/** robfig's getField: comma-separated ranges (empty items are skipped, so "," matches nothing). */
function parseField(text: string, b: Bounds): CronField {
  const values: boolean[] = new Array<boolean>(b.max + 1).fill(false);
  let star = false;
  for (const expr of text.split(",").filter((e) => e !== "")) {
    if (parseRange(expr, b, values)) star = true;
  }
  return { values, star };
}

function field(min: number, max: number, only?: number): CronField {
  const values = Array.from({ length: max + 1 }, (_, v) => v >= min && (only === undefined || v === only));
  return { values, star: only === undefined };
}

const all = (i: number): CronField => field(BOUNDS[i]?.min ?? 0, BOUNDS[i]?.max ?? 0);
const first = (i: number): CronField => field(BOUNDS[i]?.min ?? 0, BOUNDS[i]?.max ?? 0, BOUNDS[i]?.min ?? 0);

/** The fixed descriptors (matched exactly, case-sensitively), as robfig defines them. */
const DESCRIPTORS: ReadonlyMap<string, () => CronFields> = new Map([
  ["@yearly", () => ({ minute: first(0), hour: first(1), dayOfMonth: first(2), month: first(3), dayOfWeek: all(4) })],
  ["@monthly", () => ({ minute: first(0), hour: first(1), dayOfMonth: first(2), month: all(3), dayOfWeek: all(4) })],
  ["@weekly", () => ({ minute: first(0), hour: first(1), dayOfMonth: all(2), month: all(3), dayOfWeek: first(4) })],
  ["@daily", () => ({ minute: first(0), hour: first(1), dayOfMonth: all(2), month: all(3), dayOfWeek: all(4) })],
  ["@hourly", () => ({ minute: first(0), hour: all(1), dayOfMonth: all(2), month: all(3), dayOfWeek: all(4) })],
]);
const ALIASES: ReadonlyMap<string, string> = new Map([
  ["@annually", "@yearly"],
  ["@midnight", "@daily"],
]);

function fail(spec: string, message: string, go: { error?: string; panic?: string; field?: CronFieldName }): never {
  throw new CronSpecError(spec, message, go);
}

function resolveLocation(location: string, spec: string): Zone {
  const r = loadZone(location);
  if (r.ok && "zone" in r) return r.zone;
  const why = r.ok ? "Local is not a zone name here" : r.error;
  throw new CronSpecError(spec, `scheduler location ${JSON.stringify(location)} is not a valid IANA zone: ${why}`, {});
}

/**
 * Parses `spec` as Go asynq's Scheduler.Register does. Throws {@link CronSpecError} (code INVALID_ARGUMENT)
 * naming what is wrong and carrying Go's own error text, e.g. `minute field "60": end of range (60) above
 * maximum (59): 60`. A `TZ=zone` prefix with nothing after it, which crashes Go, is refused with a clear error.
 */
export function parseCronSpec(spec: string, options: CronSpecOptions = {}): CronSchedule {
  let zone = resolveLocation(options.location ?? "UTC", spec);
  if (spec.length === 0) fail(spec, "cron spec is empty: empty spec string", { error: "empty spec string" });
  let rest = spec;
  let zoneFromSpec = false;
  if (rest.startsWith("TZ=") || rest.startsWith("CRON_TZ=")) {
    const space = rest.indexOf(" ");
    const eq = rest.indexOf("=");
    if (space < 0) {
      const panic = "runtime error: slice bounds out of range [:-1]";
      const msg = `time zone prefix ${JSON.stringify(spec)} must be followed by a space and a schedule (Go asynq's Register panics on it: ${panic})`;
      fail(spec, msg, { panic });
    }
    const name = rest.slice(eq + 1, space);
    const loaded = loadZone(name);
    if (!loaded.ok) {
      const go = `provided bad location ${name}: ${loaded.error}`;
      fail(spec, `time zone ${JSON.stringify(name)} is not a valid IANA zone name: ${go}`, { error: go });
    }
    if ("zone" in loaded) [zone, zoneFromSpec] = [loaded.zone, true];
    rest = goTrimSpace(rest.slice(space));
  }
  const base = { spec, location: zone.name, zoneFromSpec };
  if (rest.startsWith("@")) return parseDescriptor(rest, base, zone);

  const fields = goFields(rest);
  if (fields.length !== 5) {
    const go = `expected exactly 5 fields, found ${fields.length}: ${goStringList(fields)}`;
    const msg = `cron spec ${JSON.stringify(spec)} must have 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}: ${go}`;
    fail(spec, msg, { error: go });
  }
  const parsed: CronField[] = [];
  BOUNDS.forEach((b, i) => {
    const text = fields[i] ?? "";
    try {
      parsed.push(parseField(text, b));
    } catch (e) {
      if (!(e instanceof FieldFault)) throw e;
      fail(spec, `${b.name} field ${JSON.stringify(text)}: ${e.goError}`, { error: e.goError, field: b.name });
    }
  });
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed as [
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
  ];
  return cronSchedule(base, zone, { minute, hour, dayOfMonth, month, dayOfWeek }, undefined);
}

type Base = Pick<ScheduleBase, "spec" | "location" | "zoneFromSpec">;

/** Epoch ms of `after`; refuses an Invalid Date (the search would never end). */
function afterMs(after: Date): number {
  const ms = after.getTime();
  if (!Number.isFinite(ms))
    throw new AsynqError("cron.next", "INVALID_ARGUMENT", "next(after): after is an Invalid Date");
  return ms;
}

function cronSchedule(base: Base, zone: Zone, fields: CronFields, descriptor: string | undefined): CronSpecSchedule {
  return {
    ...base,
    kind: "cron",
    fields,
    descriptor,
    next(after: Date): Date | null {
      const ms = nextSpecTime(fields, zone, afterMs(after));
      return ms === null ? null : new Date(ms);
    },
  };
}

function parseDescriptor(descriptor: string, base: Base, zone: Zone): CronSchedule {
  const make = DESCRIPTORS.get(ALIASES.get(descriptor) ?? descriptor);
  if (make !== undefined) return cronSchedule(base, zone, make(), descriptor);
  const every = "@every ";
  if (descriptor.startsWith(every)) {
    const text = descriptor.slice(every.length);
    const d = parseGoDuration(text);
    if (!d.ok) {
      const go = `failed to parse duration ${descriptor}: ${d.error}`;
      const msg = `@every duration ${JSON.stringify(text)} is not a Go duration (units ns, us, ms, s, m, h; e.g. "1h30m"): ${go}`;
      fail(base.spec, msg, { error: go });
    }
    const ns = d.ns < 1_000_000_000n ? 1_000_000_000n : d.ns;
    const everySeconds = Number(ns / 1_000_000_000n);
    return {
      ...base,
      kind: "every",
      everySeconds,
      next: (after: Date): Date => new Date((Math.floor(afterMs(after) / 1000) + everySeconds) * 1000),
    };
  }
  const go = `unrecognized descriptor: ${descriptor}`;
  const msg = `descriptor ${JSON.stringify(descriptor)} is not one of @yearly @annually @monthly @weekly @daily @midnight @hourly @every <duration> (exact, case-sensitive): ${go}`;
  fail(base.spec, msg, { error: go });
}
