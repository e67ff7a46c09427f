// The only source of "now" in Vigil: a system clock and a simulated clock for tests (design §5).

/** Where the current time comes from. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/** The real wall clock. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
};

/** A clock that only moves when told to, for tests. */
export class SimulatedClock implements Clock {
  private ms: number;
  /** Starts at `start` (a Date or epoch milliseconds). */
  constructor(start: Date | number = 0) {
    this.ms = typeof start === "number" ? start : start.getTime();
  }
  /** The simulated time in epoch milliseconds. */
  nowMs(): number {
    return this.ms;
  }
  /** Jumps to `t`. */
  set(t: Date | number): void {
    this.ms = typeof t === "number" ? t : t.getTime();
  }
  /** Moves forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Whole Unix seconds of the clock's now. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}

/** Unix nanoseconds of the clock's now, as bigint (exceeds the safe integer range). */
export function unixNanos(clock: Clock): bigint {
  const ms = clock.nowMs();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1_000_000));
}

const UTC_DAY_MS = 86_400_000;
/** The last day utcDate formatted (its first epoch ms, and its text): finalizers ask for today on every batch. */
let lastDayStart = NaN;
let lastDay = "";

/** The UTC calendar date `YYYY-MM-DD` of an epoch-millisecond instant. */
export function utcDate(ms: number): string {
  const dayStart = Math.floor(Math.trunc(ms) / UTC_DAY_MS) * UTC_DAY_MS; // Date truncates fractional ms
  if (dayStart !== lastDayStart) {
    lastDay = new Date(ms).toISOString().slice(0, 10);
    lastDayStart = dayStart;
  }
  return lastDay;
}
