// Durations as Vigil accepts them (milliseconds, or Go strings such as "1h30m", "1.5s", "250µs") and
// Go's time.Duration.String() form ("1h0m0s", "1.5s", "250µs"), used in scheduler option strings (spec §9.4).
import { InvalidOptionError } from "../../errors.js";
import type { Duration } from "../../options.js";

const NS_PER_MS = 1_000_000n;
const MAX_NS = (1n << 63n) - 1n;

/** Nanoseconds per unit, as Go's time.ParseDuration knows them. */
const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // µ MICRO SIGN
  "\u03bcs": 1_000n, // μ GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** What duration options accept, for error messages. */
export const DURATION_ACCEPTED =
  'a number of milliseconds, or a Go duration string such as "30s", "1h30m", "1.5s", "500ms" (units ns, us, µs, ms, s, m, h)';

/**
 * Parses a Go duration string (time.ParseDuration grammar: an optional sign, then one or more
 * `<decimal><unit>` parts; "0" alone is allowed) into nanoseconds. Returns undefined when it is not one.
 */
export function parseGoDurationNs(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    neg = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  const part = /^(\d*)(?:\.(\d*))?([a-zA-Z\u00b5\u03bc]+)/;
  let total = 0n;
  while (s !== "") {
    const m = part.exec(s);
    if (!m) return undefined;
    const [whole, intText = "", fracText = "", unitText = ""] = m;
    if (intText === "" && fracText === "") return undefined;
    const unit = UNITS[unitText];
    if (unit === undefined) return undefined;
    let ns = BigInt(intText || "0") * unit;
    if (fracText !== "") ns += (BigInt(fracText) * unit) / 10n ** BigInt(fracText.length);
    total += ns;
    if (total > MAX_NS) return undefined;
    s = s.slice(whole.length);
  }
  return neg ? -total : total;
}

/** Milliseconds (possibly fractional) → whole nanoseconds, exact for the integer part. */
export function msToNs(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1_000_000));
}

/**
 * A {@link Duration} in milliseconds (fractional below 1 ms, e.g. "250us" → 0.25).
 * Throws {@link InvalidOptionError} naming `option` when `value` is neither a finite number nor a Go duration string.
 */
export function parseDuration(value: Duration, option = "duration", op = "duration.parse"): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === "string") {
    const ns = parseGoDurationNs(value);
    if (ns !== undefined) return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
  }
  throw new InvalidOptionError(op, option, value, DURATION_ACCEPTED);
}

/** Writes the fraction of `v / 10^prec` without trailing zeros (Go's fmtFrac); returns [text, v / 10^prec]. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) digits = digit.toString() + digits;
    v /= 10n;
  }
  return [print ? `.${digits}` : "", v];
}

/** Go's time.Duration.String() of `ns` nanoseconds, e.g. 5_400_000_000_000n → "1h30m0s". */
export function formatGoDurationNs(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [prec, unit] = u < 1_000n ? [0, "ns"] : u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
    const [frac, int] = fmtFrac(u, prec);
    out = `${int}${frac}${unit}`;
  } else {
    const [frac, seconds] = fmtFrac(u, 9);
    u = seconds;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Go's time.Duration.String() of `ms` milliseconds: 0 → "0s", 1500 → "1.5s", 90000 → "1m30s", 0.25 → "250µs". */
export function formatGoDuration(ms: number): string {
  return formatGoDurationNs(msToNs(ms));
}
