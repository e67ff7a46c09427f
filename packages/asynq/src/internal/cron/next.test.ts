// Next fire times on DST nights (Berlin, New York, Santiago) and without DST (Ho Chi Minh City), the
// DOM/DOW OR rule, @every, and Go's time.Date normalisation. Expected values follow robfig v3.0.1's Next.
import { describe, expect, it } from "vitest";
import { parseCronSpec } from "./cron-spec.js";
import { loadZone, type Zone } from "./zone.js";

/** The first `n` fires after `from` (UTC ISO strings), each search starting at the previous fire. */
function fires(spec: string, location: string, from: string, n: number): (string | null)[] {
  const s = parseCronSpec(spec, { location });
  const out: (string | null)[] = [];
  let t = new Date(from);
  for (let i = 0; i < n; i++) {
    const next = s.next(t);
    out.push(next === null ? null : next.toISOString().replace(".000Z", "Z"));
    if (next === null) break;
    t = next;
  }
  return out;
}

describe("Europe/Berlin, spring forward 2026-03-29 (02:00 CET → 03:00 CEST at 01:00Z)", () => {
  it.each([
    // The 02:xx hour does not exist: robfig skips the day (hour loop steps 01:00 CET → 03:00 CEST).
    ["0 2 * * *", "2026-03-27T12:00:00Z", ["2026-03-28T01:00:00Z", "2026-03-30T00:00:00Z", "2026-03-31T00:00:00Z"]],
    ["30 2 * * *", "2026-03-27T12:00:00Z", ["2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"]],
    ["0 * * * *", "2026-03-28T23:30:00Z", ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"]],
    ["*/15 * * * *", "2026-03-29T00:40:00Z", ["2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"]],
    ["0 3 * * *", "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z", "2026-03-30T01:00:00Z"]],
  ])("%j from %s", (spec, from, want) => {
    expect(fires(spec, "Europe/Berlin", from, want.length)).toEqual(want);
  });
});

describe("Europe/Berlin, fall back 2026-10-25 (03:00 CEST → 02:00 CET at 01:00Z)", () => {
  it.each([
    // robfig fires again when the 02:xx wall time comes round a second time (the Next search from the first
    // fire walks minute by minute into the repeated hour). Go asynq's scheduler does the same.
    ["0 2 * * *", "2026-10-24T12:00:00Z", ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-26T01:00:00Z"]],
    ["30 2 * * *", "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z"]],
    ["0 * * * *", "2026-10-24T23:30:00Z", ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"]],
    ["*/15 * * * *", "2026-10-25T00:40:00Z", ["2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z"]],
    // A fire after the repeated hour has begun does not go back to the first 02:30.
    ["30 2 * * *", "2026-10-25T01:10:00Z", ["2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z"]],
  ])("%j from %s", (spec, from, want) => {
    expect(fires(spec, "Europe/Berlin", from, want.length)).toEqual(want);
  });

  it("a TZ= prefix wins over the scheduler location", () => {
    expect(fires("TZ=Europe/Berlin 30 2 * * *", "Asia/Tokyo", "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00Z",
      "2026-10-25T01:30:00Z",
    ]);
  });
});

describe("Asia/Ho_Chi_Minh (UTC+7, no DST) on the same nights", () => {
  it.each([
    ["0 2 * * *", "2026-03-28T12:00:00Z", ["2026-03-28T19:00:00Z", "2026-03-29T19:00:00Z", "2026-03-30T19:00:00Z"]],
    ["30 2 * * *", "2026-10-24T12:00:00Z", ["2026-10-24T19:30:00Z", "2026-10-25T19:30:00Z", "2026-10-26T19:30:00Z"]],
    ["0 * * * *", "2026-03-29T00:30:00Z", ["2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"]],
    ["*/15 * * * *", "2026-10-25T00:40:00Z", ["2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z"]],
  ])("%j from %s", (spec, from, want) => {
    expect(fires(spec, "Asia/Ho_Chi_Minh", from, want.length)).toEqual(want);
    expect(fires(`CRON_TZ=Asia/Ho_Chi_Minh ${spec}`, "UTC", from, want.length)).toEqual(want);
  });
});

describe("zones west of UTC and midnight transitions", () => {
  it.each([
    // New York 2026-03-08: 02:00 EST → 03:00 EDT at 07:00Z; 2026-11-01: 02:00 EDT → 01:00 EST at 06:00Z.
    [
      "30 2 * * *",
      "America/New_York",
      "2026-03-07T00:00:00Z",
      ["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"],
    ],
    [
      "30 1 * * *",
      "America/New_York",
      "2026-10-31T12:00:00Z",
      ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"],
    ],
    // Santiago 2026-09-06: 00:00 -04 → 01:00 -03 at 04:00Z (midnight does not exist).
    ["0 0 * * *", "America/Santiago", "2026-09-05T12:00:00Z", ["2026-09-07T03:00:00Z"]],
    ["0 12 6 9 *", "America/Santiago", "2026-09-01T12:00:00Z", ["2026-09-06T15:00:00Z", "2027-09-06T15:00:00Z"]],
  ])("%j in %s from %s", (spec, location, from, want) => {
    expect(fires(spec, location, from, want.length)).toEqual(want);
  });
});

describe("Go's time.Date for wall times that do not exist or exist twice", () => {
  const zone = (name: string): Zone => {
    const r = loadZone(name);
    if (!r.ok || !("zone" in r)) throw new Error(name);
    return r.zone;
  };
  it.each([
    ["Europe/Berlin", [2026, 3, 29, 2, 30, 0], "2026-03-29T01:30:00Z"], // → 03:30 CEST
    ["Europe/Berlin", [2026, 10, 25, 2, 30, 0], "2026-10-25T01:30:00Z"], // the second 02:30 (CET)
    ["America/New_York", [2026, 3, 8, 2, 30, 0], "2026-03-08T06:30:00Z"], // → 01:30 EST
    ["America/New_York", [2026, 11, 1, 1, 30, 0], "2026-11-01T05:30:00Z"], // the first 01:30 (EDT)
    ["America/Santiago", [2026, 9, 6, 0, 0, 0], "2026-09-06T03:00:00Z"], // → 23:00 -04 the day before
    ["Asia/Ho_Chi_Minh", [2026, 13, 32, 25, 61, 61], "2027-02-01T19:02:01Z"], // fields normalise (local 2027-02-02 02:02:01)
  ] as const)("%s %j", (name, [y, mo, d, h, mi, s], want) => {
    expect(new Date(zone(name).date(y, mo, d, h, mi, s) * 1000).toISOString().replace(".000Z", "Z")).toBe(want);
  });
});

describe("day-of-month / day-of-week rule", () => {
  const from = "2026-01-05T10:17:23.456Z"; // a Monday
  it.each([
    ["0 0 13 * 5", ["2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"]], // OR
    ["0 0 */2 * 1", ["2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z"]],
    ["0 0 13 * *", ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"]],
    ["0 0 * * 5", ["2026-01-09T00:00:00Z", "2026-01-16T00:00:00Z"]],
    ["0 0 */1 * 5", ["2026-01-09T00:00:00Z", "2026-01-16T00:00:00Z"]], // */1 is still a star: AND
    ["0 0 ? * 5", ["2026-01-09T00:00:00Z"]],
    ["0 0 1-31 * 5", ["2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"]], // not a star: OR, every day
    ["0 0 13 * */1", ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"]],
    ["0 0 13 * 0-6", ["2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"]],
    ["0 0 13 * */2", ["2026-01-06T00:00:00Z", "2026-01-08T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"]],
    ["0 0 31 * 1", ["2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-01-31T00:00:00Z"]],
    ["0 0 , * 1", ["2026-01-12T00:00:00Z"]], // empty day-of-month, OR: Mondays only
    ["0 0 , * *", [null]], // empty day-of-month, AND: never
    ["0 0 29 2 *", ["2028-02-29T00:00:00Z"]],
    ["0 0 30 2 *", [null]],
  ])("%j", (spec, want) => {
    expect(fires(spec, "UTC", from, want.length)).toEqual(want);
  });
});

describe("@every", () => {
  it.each([
    ["@every 3s", "2026-01-05T10:17:23.496Z", ["2026-01-05T10:17:26Z", "2026-01-05T10:17:29Z", "2026-01-05T10:17:32Z"]],
    ["@every 1h30m", "2026-01-05T10:17:23.456Z", ["2026-01-05T11:47:23Z", "2026-01-05T13:17:23Z"]],
    ["@every 1.9s", "2026-01-05T10:17:23.999Z", ["2026-01-05T10:17:24Z", "2026-01-05T10:17:25Z"]],
    ["@every 999ms", "2026-01-05T10:17:23Z", ["2026-01-05T10:17:24Z"]],
    ["@every -1h", "2026-01-05T10:17:23Z", ["2026-01-05T10:17:24Z"]],
    ["@every 25h", "2026-03-28T12:00:00Z", ["2026-03-29T13:00:00Z"]], // zone-independent
    ["CRON_TZ=Europe/Berlin @every 24h", "2026-03-28T12:00:00Z", ["2026-03-29T12:00:00Z"]],
    ["@every 2562047h47m16.854775807s", "2026-01-01T00:00:00Z", ["2318-04-12T23:47:16Z"]],
  ])("%j from %s", (spec, from, want) => {
    expect(fires(spec, "Europe/Berlin", from, want.length)).toEqual(want);
  });
});

describe("descriptors in a zone", () => {
  it.each([
    ["@daily", "Asia/Ho_Chi_Minh", ["2026-01-05T17:00:00Z"]],
    ["@weekly", "UTC", ["2026-01-11T00:00:00Z"]],
    ["@monthly", "Europe/Berlin", ["2026-01-31T23:00:00Z"]],
    ["@yearly", "America/New_York", ["2027-01-01T05:00:00Z"]],
    ["@hourly", "Asia/Kolkata", ["2026-01-05T10:30:00Z", "2026-01-05T11:30:00Z"]],
  ])("%j in %s", (spec, location, want) => {
    expect(fires(spec, location, "2026-01-05T10:17:23Z", want.length)).toEqual(want);
  });
});
