// parseCronSpec against Go: every line of cron-parse.jsonl (validity, Go's error text, next fire times),
// spec §9.1's error cases, robfig parser quirks, and the error messages naming the field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../../../test/support/fixtures.js";
import { isAsynqError } from "../errors.js";
import { CronSpecError, parseCronSpec, type CronSchedule } from "./cron-spec.js";

interface GoLine {
  spec: string;
  location: string;
  from: string;
  next?: string[];
  register_ok?: boolean;
  register_error?: string;
  register_panic?: string;
}

const lines = readFileSync(join(fixturesDir(), "monitor", "cron-parse.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as GoLine);

/** Runs `f` and returns the CronSpecError it throws (fails the test when it throws nothing else). */
function specError(f: () => unknown): CronSpecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CronSpecError);
    return e as CronSpecError;
  }
  throw new Error("expected a CronSpecError");
}

/** The first `n` fire times after `from`, chained (each search starts at the previous fire). */
function fires(s: CronSchedule, from: string, n: number): (string | null)[] {
  const out: (string | null)[] = [];
  let t = new Date(from);
  for (let i = 0; i < n; i++) {
    const next = s.next(t);
    out.push(next === null ? null : next.toISOString());
    if (next === null) break;
    t = next;
  }
  return out;
}

describe("cron-parse.jsonl (robfig/cron v3.0.1 via Go asynq's Scheduler.Register)", () => {
  it("has the expected number of cases", () => {
    expect(lines.length).toBeGreaterThanOrEqual(60);
  });

  it.each(lines.filter((l) => l.register_ok === true).map((l) => [l.spec, l] as const))("accepts %j", (_, l) => {
    const s = parseCronSpec(l.spec, { location: l.location });
    const want = (l.next ?? []).map((n) =>
      n === "zero" ? null : new Date(/\((.*)\)/.exec(n)?.[1] ?? "").toISOString(),
    );
    expect(fires(s, l.from, want.length)).toEqual(want);
  });

  it.each(lines.filter((l) => l.register_error !== undefined).map((l) => [l.spec, l] as const))(
    "refuses %j with Go's error text",
    (_, l) => {
      const e = specError(() => parseCronSpec(l.spec, { location: l.location }));
      expect(e.goError).toBe(l.register_error);
      expect(e.message).toContain(l.register_error);
      expect(e.code).toBe("INVALID_ARGUMENT");
      expect(isAsynqError(e)).toBe(true);
    },
  );

  it.each(lines.filter((l) => l.register_panic !== undefined).map((l) => [l.spec, l] as const))(
    "refuses %j, on which Go panics, with a clear error",
    (_, l) => {
      const e = specError(() => parseCronSpec(l.spec, { location: l.location }));
      expect(e.goPanic).toBe(l.register_panic);
      expect(e.goError).toBeUndefined();
      expect(e.message).toMatch(/must be followed by a space and a schedule/);
    },
  );
});

describe("error messages name the field and quote Go", () => {
  it.each([
    ["60 * * * *", "minute", 'minute field "60": end of range (60) above maximum (59): 60'],
    ["1,60 * * * *", "minute", 'minute field "1,60": end of range (60) above maximum (59): 60'],
    ["*/0 * * * *", "minute", 'minute field "*/0": step of range should be a positive number: */0'],
    ["0 24 * * *", "hour", 'hour field "24": end of range (24) above maximum (23): 24'],
    ["0 0 0 * *", "day-of-month", 'day-of-month field "0": beginning of range (0) below minimum (1): 0'],
    [
      "0 0 L * *",
      "day-of-month",
      'day-of-month field "L": failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax',
    ],
    ["0 0 15W * *", "day-of-month", "failed to parse int from 15W"],
    ["0 0 * 0 *", "month", 'month field "0": beginning of range (0) below minimum (1): 0'],
    ["0 0 * 13 *", "month", 'month field "13": end of range (13) above maximum (12): 13'],
    [
      "0 0 * foo *",
      "month",
      'month field "foo": failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax',
    ],
    ["0 9 * * 7", "day-of-week", 'day-of-week field "7": end of range (7) above maximum (6): 7'],
    ["0 0 * * 1#2", "day-of-week", "failed to parse int from 1#2"],
    ["10-5 * * * *", "minute", 'minute field "10-5": beginning of range (10) beyond end of range (5): 10-5'],
    ["-1 * * * *", "minute", 'minute field "-1": failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ["1-2-3 * * * *", "minute", 'minute field "1-2-3": too many hyphens: 1-2-3'],
    ["1/2/3 * * * *", "minute", 'minute field "1/2/3": too many slashes: 1/2/3'],
    ["*/-5 * * * *", "minute", 'minute field "*/-5": negative number (-5) not allowed: -5'],
    ["0 0 * * mon-xyz", "day-of-week", "failed to parse int from xyz"],
    ["99999999999999999999 * * * *", "minute", 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
    [
      "9223372036854775807 * * * *",
      "minute",
      "end of range (9223372036854775807) above maximum (59): 9223372036854775807",
    ],
    ["é * * * *", "minute", 'failed to parse int from é: strconv.Atoi: parsing "é": invalid syntax'],
    ["\u0001 * * * *", "minute", 'strconv.Atoi: parsing "\\x01": invalid syntax'],
  ])("%j → %s field", (spec, fieldName, text) => {
    const e = specError(() => parseCronSpec(spec));
    expect(e.field).toBe(fieldName);
    expect(e.message).toContain(text);
    expect(e.message.startsWith(`${fieldName} field `)).toBe(true);
  });

  it.each([
    ["", "empty spec string"],
    ["0 0 * *", "expected exactly 5 fields, found 4: [0 0 * *]"],
    ["0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"],
    ["   ", "expected exactly 5 fields, found 0: []"],
    ["TZ=UTC ", "expected exactly 5 fields, found 0: []"],
    ["  @daily", "expected exactly 5 fields, found 1: [@daily]"],
    ["@daily ", "unrecognized descriptor: @daily "],
    ["@DAILY", "unrecognized descriptor: @DAILY"],
    ["@every", "unrecognized descriptor: @every"],
    ["@every\t1h", "unrecognized descriptor: @every\t1h"],
    ["@every ", 'failed to parse duration @every : time: invalid duration ""'],
    ["@every 1", 'failed to parse duration @every 1: time: missing unit in duration "1"'],
    ["@every 1.5", 'failed to parse duration @every 1.5: time: missing unit in duration "1.5"'],
    ["@every .s", 'failed to parse duration @every .s: time: invalid duration ".s"'],
    ["@every 1h-5m", 'failed to parse duration @every 1h-5m: time: unknown unit "h-" in duration "1h-5m"'],
    ["@every 3000000h", 'failed to parse duration @every 3000000h: time: invalid duration "3000000h"'],
    ["@every 1é", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'],
    ["TZ=Nowhere/Bogus 0 2 * * *", "provided bad location Nowhere/Bogus: unknown time zone Nowhere/Bogus"],
    ["TZ=asia/tokyo 0 2 * * *", "provided bad location asia/tokyo: unknown time zone asia/tokyo"],
    ["TZ=utc 0 2 * * *", "provided bad location utc: unknown time zone utc"],
    ["TZ=+05:00 0 2 * * *", "provided bad location +05:00: unknown time zone +05:00"],
    ["TZ=../etc/passwd 0 2 * * *", "provided bad location ../etc/passwd: time: invalid location name"],
    ["TZ=UTC\t0 2 * * *", "provided bad location UTC\t0: unknown time zone UTC\t0"],
  ])("%j → Go's %j", (spec, text) => {
    const e = specError(() => parseCronSpec(spec));
    expect(e.goError).toBe(text.includes("\\x") ? e.goError : text);
    expect(e.message).toContain(text);
  });

  it("refuses a zone prefix with nothing after it (Go panics)", () => {
    for (const spec of ["TZ=UTC", "CRON_TZ=Asia/Tokyo", "TZ="]) {
      const e = specError(() => parseCronSpec(spec));
      expect(e.goPanic).toBe("runtime error: slice bounds out of range [:-1]");
    }
  });

  it("refuses a bad scheduler location", () => {
    expect(specError(() => parseCronSpec("* * * * *", { location: "Mars/Base" })).message).toMatch(/Mars\/Base/);
  });
});

describe("accepted forms (robfig parser quirks kept)", () => {
  const at = (spec: string, from: string, n = 1, location = "UTC") => fires(parseCronSpec(spec, { location }), from, n);
  const from = "2026-01-05T10:17:23.456Z"; // a Monday

  it.each([
    ["*-5 * * * *", "2026-01-05T10:18:00.000Z"], // anything after "*-" is ignored
    ["?-foo * * * *", "2026-01-05T10:18:00.000Z"],
    ["1,,2 * * * *", "2026-01-05T11:01:00.000Z"], // empty list items are skipped
    ["+5 * * * *", "2026-01-05T11:05:00.000Z"], // Atoi takes a sign
    ["005 * * * *", "2026-01-05T11:05:00.000Z"],
    ["5/+15 * * * *", "2026-01-05T10:20:00.000Z"],
    ["0 0 * * Mon", "2026-01-12T00:00:00.000Z"],
    ["0 0 * * tHu", "2026-01-08T00:00:00.000Z"],
    ["0 0 1 FeB-mar *", "2026-02-01T00:00:00.000Z"],
    ["0 0 * * sat-6", "2026-01-10T00:00:00.000Z"],
    ["50-59/3 * * * *", "2026-01-05T10:50:00.000Z"],
    ["*/99 * * * *", "2026-01-05T11:00:00.000Z"],
    ["0\t9\u00a0*\u3000* *", "2026-01-06T09:00:00.000Z"], // Go's unicode.IsSpace
    ["TZ=  0 9 * * *", "2026-01-06T09:00:00.000Z"], // LoadLocation("") is UTC; the rest is trimmed
    ["TZ=UTC   @daily  ", "2026-01-06T00:00:00.000Z"],
    ["TZ=Local 0 9 * * *", "2026-01-05T14:00:00.000Z"], // Local = the scheduler's location
  ])("%j → %s", (spec, want) => {
    expect(at(spec, from, 1, spec.includes("Local") ? "America/New_York" : "UTC")).toEqual([want]);
  });

  it("',' matches nothing: never fires", () => {
    expect(at(", * * * *", from)).toEqual([null]);
    expect(at("0 0 30 2 *", from)).toEqual([null]);
  });

  it("reports the zone and the kind", () => {
    const s = parseCronSpec("CRON_TZ=Asia/Ho_Chi_Minh 0 2 * * *", { location: "Europe/Berlin" });
    expect([s.kind, s.location, s.zoneFromSpec]).toEqual(["cron", "Asia/Ho_Chi_Minh", true]);
    const e = parseCronSpec("@every 1h30m", { location: "Europe/Berlin" });
    expect([e.kind, e.location, e.zoneFromSpec, e.kind === "every" && e.everySeconds]).toEqual([
      "every",
      "Europe/Berlin",
      false,
      5400,
    ]);
  });
});
