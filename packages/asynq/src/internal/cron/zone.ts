// Time zones for cron with Go's time package semantics: LoadLocation's checks and error texts, UTC offsets
// from Node's ICU (Intl), wall-clock fields of an instant, and time.Date's normalisation across DST changes.

/** Wall-clock fields of an instant in a zone (month 1-12, weekday 0 = Sunday). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** An IANA zone able to answer what Go's time package answers; instants are whole Unix seconds. */
export class Zone {
  /** The zone name as given (e.g. "Asia/Ho_Chi_Minh"); "UTC" for UTC. */
  readonly name: string;
  private readonly format: Intl.DateTimeFormat | undefined;

  /** Use {@link loadZone}, which validates the name first. */
  constructor(name: string) {
    this.name = name;
    this.format =
      name === "UTC"
        ? undefined
        : new Intl.DateTimeFormat("en-US", {
            timeZone: name,
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
            second: "numeric",
          });
  }

  /** Offsets at whole UTC hours (Unix second / 3600 → offset), filled as asked. */
  private readonly hourly = new Map<number, number>();

  /**
   * Seconds east of UTC in force at Unix second `unix`. When the offsets at the whole UTC hours around `unix`
   * agree, that offset is used without asking ICU again (no zone changes its offset twice within an hour).
   */
  offset(unix: number): number {
    if (this.format === undefined) return 0;
    const h = Math.floor(unix / 3600);
    const before = this.atHour(h);
    return before === this.atHour(h + 1) ? before : this.lookup(unix);
  }

  private atHour(h: number): number {
    let off = this.hourly.get(h);
    if (off === undefined) {
      if (this.hourly.size >= 100_000) this.hourly.clear();
      off = this.lookup(h * 3600);
      this.hourly.set(h, off);
    }
    return off;
  }

  /** The offset at `unix` as ICU reports it. */
  private lookup(unix: number): number {
    if (this.format === undefined) return 0;
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(unix * 1000)) {
      if (part.type !== "literal") p[part.type] = Number(part.value);
    }
    const wall = civilToSeconds(p.year ?? 0, p.month ?? 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
    return wall - unix;
  }

  /** The wall clock at Unix second `unix` (Go's t.Year(), t.Month(), ..., t.Weekday()). */
  wall(unix: number): WallClock {
    const d = new Date((unix + this.offset(unix)) * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }

  /**
   * Go's time.Date(year, month, day, hour, min, sec, 0, loc) as a Unix second. Out-of-range fields are
   * normalised (month 13 = January next year, day 32 = next month). A wall time that does not exist (spring
   * forward) or exists twice (fall back) resolves as Go does: take the offset at the wall time read as UTC,
   * and if the result falls outside that offset's period, the offset in force at the result instead.
   */
  date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const wall = civilToSeconds(year, month, day, hour, minute, second);
    const guess = this.offset(wall);
    return wall - this.offset(wall - guess);
  }
}

/** Seconds since the Unix epoch of a UTC civil time, with Date.UTC's normalisation of overflowing fields. */
function civilToSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime() / 1000;
}

/** Result of {@link loadZone}: the zone, Go's "Local" (the caller's zone), or Go's error text. */
export type LoadZoneResult = { ok: true; zone: Zone } | { ok: true; local: true } | { ok: false; error: string };

const zones = new Map<string, Zone>();
let caseIndex: Map<string, string> | undefined;

/** Lower-cased IANA names → their real spelling, to refuse wrong-case names as Go does on Linux. */
function canonicalCase(): Map<string, string> {
  if (caseIndex === undefined) {
    caseIndex = new Map();
    const names = [...Intl.supportedValuesOf("timeZone"), "UTC", "GMT", "Etc/UTC", "Etc/GMT", "UCT", "Zulu"];
    for (const n of [...names, "Universal", "Asia/Ho_Chi_Minh", "Asia/Kolkata", "Europe/Kyiv"]) {
      caseIndex.set(n.toLowerCase(), n);
    }
  }
  return caseIndex;
}

/**
 * Go's time.LoadLocation(name): "" and "UTC" are UTC, "Local" is the process zone (for cron: the scheduler's
 * location), names with ".." or a leading slash are invalid, anything the zone database lacks is unknown.
 * Zone names are case-sensitive, as on Linux (`asia/tokyo` fails).
 */
export function loadZone(name: string): LoadZoneResult {
  if (name === "" || name === "UTC") return { ok: true, zone: utcZone };
  if (name === "Local") return { ok: true, local: true };
  if (name.includes("..") || name.startsWith("/") || name.startsWith("\\")) {
    return { ok: false, error: "time: invalid location name" };
  }
  const cached = zones.get(name);
  if (cached !== undefined) return { ok: true, zone: cached };
  const unknown = { ok: false, error: `unknown time zone ${name}` } as const;
  // Intl also takes offsets such as "+05:00", which are not zone database names.
  if (!/^[A-Za-z]/.test(name)) return unknown;
  const spelled = canonicalCase().get(name.toLowerCase());
  if (spelled !== undefined && spelled !== name) return unknown;
  try {
    const zone = new Zone(name);
    zones.set(name, zone);
    return { ok: true, zone };
  } catch {
    return unknown;
  }
}

/** The UTC zone. */
export const utcZone = new Zone("UTC");
