// Go standard-library behaviour the parser copies: ParseDuration, Atoi, Quote, Fields/TrimSpace.
import { describe, expect, it } from "vitest";
import { compactSeconds, parseGoDuration } from "./go-duration.js";
import { goAtoi, goFields, goQuote, goStringList, goTrimSpace } from "./go-text.js";

describe("parseGoDuration (time.ParseDuration)", () => {
  it.each([
    ["0", 0n],
    ["-0", 0n],
    ["+0", 0n],
    ["1h30m", 5_400_000_000_000n],
    ["90s", 90_000_000_000n],
    ["1.5s", 1_500_000_000n],
    [".5s", 500_000_000n],
    ["5.s", 5_000_000_000n],
    ["500ms", 500_000_000n],
    ["1us", 1_000n],
    ["1\u00b5s", 1_000n],
    ["1\u03bcs", 1_000n],
    ["-5s", -5_000_000_000n],
    ["1h1h", 7_200_000_000_000n],
    ["0.1h", 360_000_000_000n],
    ["2562047h47m16.854775807s", 9_223_372_036_854_775_807n],
    ["-2562047h47m16.854775808s", -9_223_372_036_854_775_808n],
    ["1.0000000000000000000000001s", 1_000_000_000n],
  ])("%j → %d ns", (text, ns) => {
    expect(parseGoDuration(text)).toEqual({ ok: true, ns });
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["-", 'time: invalid duration "-"'],
    ["1", 'time: missing unit in duration "1"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["1h30m ", 'time: unknown unit "m " in duration "1h30m "'],
    [" 1h", 'time: invalid duration " 1h"'],
    [".s", 'time: invalid duration ".s"'],
    ["1..5s", 'time: missing unit in duration "1..5s"'],
    ["s", 'time: invalid duration "s"'],
    ['1"', 'time: unknown unit "\\"" in duration "1\\""'],
    ["1é", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'],
    ["2562047h47m16.854775808s", 'time: invalid duration "2562047h47m16.854775808s"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
    ["99999999999999999999s", 'time: invalid duration "99999999999999999999s"'],
  ])("%j → %j", (text, error) => {
    expect(parseGoDuration(text)).toEqual({ ok: false, error });
  });

  it.each([
    [30, "30s"],
    [5400, "1h30m"],
    [3600, "1h"],
    [90061, "25h1m1s"],
  ])("compactSeconds(%d) → %s", (s, text) => {
    expect(compactSeconds(s)).toBe(text);
  });
});

describe("goAtoi (strconv.Atoi)", () => {
  it.each([
    ["0", 0n],
    ["007", 7n],
    ["+5", 5n],
    ["-5", -5n],
    ["9223372036854775807", 9_223_372_036_854_775_807n],
    ["-9223372036854775808", -9_223_372_036_854_775_808n],
  ])("%j → %d", (s, value) => {
    expect(goAtoi(s)).toEqual({ ok: true, value });
  });
  it.each([
    ["", 'strconv.Atoi: parsing "": invalid syntax'],
    ["+", 'strconv.Atoi: parsing "+": invalid syntax'],
    ["1_000", 'strconv.Atoi: parsing "1_000": invalid syntax'],
    ["0x10", 'strconv.Atoi: parsing "0x10": invalid syntax'],
    ["9223372036854775808", 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
    ["99999999999999999999x", 'strconv.Atoi: parsing "99999999999999999999x": value out of range'],
    ["1234567890123456789x", 'strconv.Atoi: parsing "1234567890123456789x": invalid syntax'],
  ])("%j → %j", (s, error) => {
    expect(goAtoi(s)).toEqual({ ok: false, error });
  });
});

describe("strings and fmt", () => {
  it("goQuote escapes like strconv.Quote", () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote("\u0001\u007f\n")).toBe('"\\x01\\x7f\\n"');
    expect(goQuote("é日")).toBe('"é日"');
    expect(goQuote("\u200b")).toBe('"\\u200b"');
  });
  it("goFields and goTrimSpace use unicode.IsSpace (not U+FEFF)", () => {
    expect(goFields("  a\tb\u0085c\u3000d  ")).toEqual(["a", "b", "c", "d"]);
    expect(goFields("a\ufeffb")).toEqual(["a\ufeffb"]);
    expect(goTrimSpace("\u00a0 x y \n")).toBe("x y");
    expect(goStringList(["0", "0", "*"])).toBe("[0 0 *]");
    expect(goStringList([])).toBe("[]");
  });
});
