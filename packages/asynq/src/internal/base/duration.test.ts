// Duration parsing (ms numbers and Go strings) and Go's Duration.String() formatting, table-driven.
import { describe, expect, it } from "vitest";
import { isInvalidOptionError } from "../../errors.js";
import { formatGoDuration, formatGoDurationNs, parseDuration, parseGoDurationNs } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    [0, 0],
    [1500, 1500],
    [0.25, 0.25],
    [-1000, -1000],
    ["0", 0],
    ["-0", 0],
    ["30s", 30_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1_500],
    ["500ms", 500],
    ["250µs", 0.25],
    ["250\u03bcs", 0.25],
    ["250us", 0.25],
    ["1500ns", 0.0015],
    ["2h45m30.5s", 9_930_500],
    [".5s", 500],
    ["5.s", 5_000],
    ["1m0.001s", 60_001],
    ["-1.5h", -5_400_000],
    ["+10m", 600_000],
    ["24h0m0s", 86_400_000],
    ["1h1h", 7_200_000],
  ] as const)("%j → %d ms", (input, ms) => {
    expect(parseDuration(input)).toBeCloseTo(ms, 9);
  });

  it.each([
    "",
    "s",
    "1",
    "30",
    "1x",
    "1 h",
    " 1h",
    "1h ",
    "h1",
    ".s",
    "1..5s",
    "--1s",
    "1.5",
    "9999999999999999999h",
    "abc",
    NaN,
    Infinity,
    {},
    null,
  ])("rejects %j with an error naming the option", (input) => {
    let error: unknown;
    try {
      parseDuration(input as never, "timeout", "client.enqueue");
    } catch (e) {
      error = e;
    }
    expect(isInvalidOptionError(error)).toBe(true);
    const e = error as Error & { option: string; op: string };
    expect(e.option).toBe("timeout");
    expect(e.op).toBe("client.enqueue");
    expect(e.message).toContain("invalid option timeout");
    expect(e.message).toContain('"30s"');
  });

  it("parses to exact nanoseconds", () => {
    expect(parseGoDurationNs("2h45m30.5s")).toBe(9_930_500_000_000n);
    expect(parseGoDurationNs("1.000000001s")).toBe(1_000_000_001n);
    expect(parseGoDurationNs("2562047h47m16.854775807s")).toBe((1n << 63n) - 1n);
    expect(parseGoDurationNs("2562047h47m16.854775808s")).toBeUndefined();
  });
});

describe("formatGoDuration", () => {
  it.each([
    [0, "0s"],
    [1, "1ms"],
    [1.5, "1.5ms"],
    [0.25, "250µs"],
    [0.0015, "1.5µs"],
    [0.000001, "1ns"],
    [999, "999ms"],
    [1_000, "1s"],
    [1_500, "1.5s"],
    [30_000, "30s"],
    [60_000, "1m0s"],
    [90_000, "1m30s"],
    [300_000, "5m0s"],
    [600_000, "10m0s"],
    [3_600_000, "1h0m0s"],
    [5_400_000, "1h30m0s"],
    [86_400_000, "24h0m0s"],
    [9_930_500, "2h45m30.5s"],
    [-1_500, "-1.5s"],
    [-0.25, "-250µs"],
  ] as const)("%d ms → %s", (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it("formats the largest Go duration", () => {
    expect(formatGoDurationNs((1n << 63n) - 1n)).toBe("2562047h47m16.854775807s");
  });

  it.each(["1h0m0s", "1m30s", "1.5s", "250µs", "1.5ms", "2h45m30.5s", "5m0s"])("round-trips %s", (text) => {
    expect(formatGoDuration(parseDuration(text))).toBe(text);
  });
});
