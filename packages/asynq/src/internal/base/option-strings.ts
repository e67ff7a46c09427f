// Parses the option strings a Go scheduler stores in SchedulerEntry.enqueue_options (spec §9.4):
// `Queue("x")` (Go %q quoting), `MaxRetry(3)`, `Timeout(5m0s)` (Go durations), `Deadline(<UnixDate>)`, ...
import type { EnqueueOptions } from "../../options.js";

/** Go's `strconv.Unquote` for a double-quoted `%q` string; undefined when `s` is not one. */
export function unquoteGo(s: string): string | undefined {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return undefined;
  const body = s.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34 };
  const pushText = (t: string): void => void bytes.push(...Buffer.from(t, "utf8"));
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '"' || c === "\n") return undefined;
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    if (e in simple) {
      bytes.push(simple[e]!);
      i += 2;
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const v = parseInt(hex, 16);
      if (e === "x") bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      else pushText(String.fromCodePoint(v));
      i += 2 + n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      bytes.push(parseInt(oct, 8));
      i += 4;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

const unitNanos: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "\u00b5s": 1e3,
  "\u03bcs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration` (e.g. `1h30m`, `1.5s`, `250µs`), in milliseconds; undefined when invalid. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/s.exec(s)!;
  const sign = m[1] === "-" ? -1 : 1;
  let rest = m[2]!;
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let nanos = 0;
  while (rest.length > 0) {
    const part = /^(\d*)(?:\.(\d*))?([a-zA-Z\u00b5\u03bc]+)/.exec(rest);
    if (!part || (part[1] === "" && (part[2] ?? "") === "")) return undefined;
    const unit = unitNanos[part[3]!];
    if (unit === undefined) return undefined;
    nanos += Number(`${part[1] || "0"}.${part[2] || "0"}`) * unit;
    rest = rest.slice(part[0].length);
  }
  return (sign * nanos) / 1e6;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Offset in minutes east of UTC of a Go zone abbreviation; unknown names count as UTC, as in Go. */
function zoneOffsetMinutes(zone: string): number {
  const num = /^(?:GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (num) return (num[1] === "-" ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3] ?? "0"));
  return 0;
}

/**
 * Go's `time.UnixDate` layout (`Mon Jan _2 15:04:05 MST 2006`) → Date; undefined when invalid.
 * Numeric zones (`+07`, `-0330`, `GMT+2`) are honoured; named zones other than UTC/GMT have no
 * known offset and are read as UTC, which is what a Go inspector running in UTC does.
 */
export function parseGoUnixDate(s: string): Date | undefined {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (-?\d{4,})$/.exec(s);
  if (!m) return undefined;
  const month = months.indexOf(m[1]!);
  if (month < 0) return undefined;
  const utc = Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const d = new Date(utc - zoneOffsetMinutes(m[6]!) * 60_000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Splits `Name(arg)` at the first `(` and the last `)`; undefined when `s` has no such shape. */
function splitOption(s: string): { name: string; arg: string } | undefined {
  const open = s.indexOf("(");
  if (open <= 0 || !s.endsWith(")")) return undefined;
  return { name: s.slice(0, open).trim(), arg: s.slice(open + 1, -1) };
}

/**
 * Applies one option string to `into`; returns false when it is not understood.
 * Beyond what Go parses back, `TaskID("…")`, `Group("…")` and `Header(["k","v"])` are read too.
 */
export function applyOptionString(into: EnqueueOptions, s: string): boolean {
  const o = splitOption(s);
  if (!o) return false;
  const duration = (): number | undefined => parseGoDuration(o.arg);
  switch (o.name) {
    case "Queue":
    case "TaskID":
    case "Group": {
      const v = unquoteGo(o.arg);
      if (v === undefined) return false;
      if (o.name === "Queue") into.queue = v;
      else if (o.name === "TaskID") into.taskId = v;
      else into.group = v;
      return true;
    }
    case "MaxRetry":
      if (!/^-?\d+$/.test(o.arg)) return false;
      into.maxRetry = Math.max(0, Number(o.arg));
      return true;
    case "Timeout":
    case "Unique":
    case "ProcessIn":
    case "Retention": {
      const ms = duration();
      if (ms === undefined) return false;
      if (o.name === "Timeout") into.timeout = ms;
      else if (o.name === "Unique") into.unique = ms;
      else if (o.name === "ProcessIn") into.processIn = ms;
      else into.retention = ms;
      return true;
    }
    case "Deadline":
    case "ProcessAt": {
      const d = parseGoUnixDate(o.arg);
      if (d === undefined) return false;
      if (o.name === "Deadline") into.deadline = d;
      else into.processAt = d;
      return true;
    }
    case "Header":
      return applyHeader(into, o.arg);
    default:
      return false;
  }
}

function applyHeader(into: EnqueueOptions, arg: string): boolean {
  try {
    const kv: unknown = JSON.parse(arg);
    if (!Array.isArray(kv) || kv.length !== 2 || !kv.every((x) => typeof x === "string")) return false;
    into.headers = { ...into.headers, [kv[0] as string]: kv[1] as string };
    return true;
  } catch {
    return false;
  }
}

/** Parses every option string; the ones not understood are returned in `unparsed` (Go drops them). */
export function parseOptionStrings(list: readonly string[]): { options: EnqueueOptions; unparsed: string[] } {
  const options: EnqueueOptions = {};
  const unparsed: string[] = [];
  for (const s of list) if (!applyOptionString(options, s)) unparsed.push(s);
  return { options, unparsed };
}
