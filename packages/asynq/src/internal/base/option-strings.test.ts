// Option strings as Go's scheduler stores them (spec §9.4, observed in scheduler-option-strings) parse back.
import { describe, expect, it } from "vitest";
import { parseGoDuration, parseGoUnixDate, parseOptionStrings, unquoteGo } from "./option-strings.js";

describe("unquoteGo", () => {
  it.each([
    ['"critical"', "critical"],
    ['"sched \\"q\\""', 'sched "q"'],
    ['"tab\\there\\n"', "tab\there\n"],
    ['"\\x41\\101\\u00e9\\U0001F600"', "AAé😀"],
    ['"héllo"', "héllo"],
    ['""', ""],
  ])("%s → %j", (input, want) => {
    expect(unquoteGo(input)).toBe(want);
  });
  it.each(["critical", '"open', '"bad \\q"', '"a"b"', '"\\x4"'])("rejects %s", (input) => {
    expect(unquoteGo(input)).toBeUndefined();
  });
});

describe("parseGoDuration", () => {
  it.each([
    ["0s", 0],
    ["0", 0],
    ["5m0s", 300_000],
    ["1h0m0s", 3_600_000],
    ["24h0m0s", 86_400_000],
    ["1m30s", 90_000],
    ["1.5s", 1_500],
    ["250\u00b5s", 0.25],
    ["250us", 0.25],
    ["1.5ms", 1.5],
    ["-2h", -7_200_000],
  ])("%s → %d ms", (input, ms) => {
    expect(parseGoDuration(input)).toBeCloseTo(ms, 9);
  });
  it.each(["", "5", "1d", "h", ".s", "1h 2m"])("rejects %j", (input) => {
    expect(parseGoDuration(input)).toBeUndefined();
  });
});

describe("parseGoUnixDate", () => {
  it.each([
    ["Tue Jan  1 00:00:00 UTC 2030", "2030-01-01T00:00:00.000Z"],
    ["Sun Jan  6 09:05:07 UTC 2030", "2030-01-06T09:05:07.000Z"],
    ["Wed Dec 25 12:00:00 +07 2030", "2030-12-25T05:00:00.000Z"],
    ["Wed Dec 25 12:00:00 -0330 2030", "2030-12-25T15:30:00.000Z"],
    ["Wed Dec 25 12:00:00 CET 2030", "2030-12-25T12:00:00.000Z"],
  ])("%s → %s", (input, iso) => {
    expect(parseGoUnixDate(input)?.toISOString()).toBe(iso);
  });
  it.each(["2030-01-01T00:00:00Z", "Tue Foo  1 00:00:00 UTC 2030", ""])("rejects %j", (input) => {
    expect(parseGoUnixDate(input)).toBeUndefined();
  });
});

describe("parseOptionStrings", () => {
  it("reads every form Go writes, keeping what it cannot read", () => {
    const { options, unparsed } = parseOptionStrings([
      'Queue("sched \\"q\\"")',
      "MaxRetry(7)",
      "Timeout(1m30s)",
      "Deadline(Tue Jan  1 00:00:00 UTC 2030)",
      "Unique(1h0m0s)",
      "ProcessAt(Sun Jan  6 09:05:07 UTC 2030)",
      "ProcessIn(10m0s)",
      "Retention(24h0m0s)",
      'TaskID("fixed-id")',
      'Group("g1")',
      'Header(["tenant","acme"])',
      "Frobnicate(1)",
      "Timeout(soon)",
    ]);
    expect(options).toEqual({
      queue: 'sched "q"',
      maxRetry: 7,
      timeout: 90_000,
      deadline: new Date("2030-01-01T00:00:00Z"),
      unique: 3_600_000,
      processAt: new Date("2030-01-06T09:05:07Z"),
      processIn: 600_000,
      retention: 86_400_000,
      taskId: "fixed-id",
      group: "g1",
      headers: { tenant: "acme" },
    });
    expect(unparsed).toEqual(["Frobnicate(1)", "Timeout(soon)"]);
  });

  it("keeps a queue name that contains a closing parenthesis", () => {
    expect(parseOptionStrings(['Queue("a)b")']).options).toEqual({ queue: "a)b" });
  });
});
