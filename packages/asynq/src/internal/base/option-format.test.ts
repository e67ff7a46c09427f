// Option strings come out in Go's Option.String() forms and parse back to the same options.
import { describe, expect, it } from "vitest";
import { formatGoUnixDate, formatOptionStrings } from "./option-format.js";
import { parseOptionStrings } from "./option-strings.js";

describe("formatOptionStrings", () => {
  it.each([
    [{ queue: "default", maxRetry: 3, timeout: "5m" }, ['Queue("default")', "MaxRetry(3)", "Timeout(5m0s)"]],
    [{ queue: "low", retention: "24h" }, ['Queue("low")', "Retention(24h0m0s)"]],
    [{ queue: "critical", unique: "10m" }, ['Queue("critical")', "Unique(10m0s)"]],
    [{ timeout: 1500 }, ["Timeout(1.5s)"]],
    [{ timeout: "1m30s" }, ["Timeout(1m30s)"]],
    [{ maxRetry: -2 }, ["MaxRetry(0)"]],
    [{ queue: 'sched "q"' }, ['Queue("sched \\"q\\"")']],
    [{ deadline: new Date("2030-01-01T00:00:00Z") }, ["Deadline(Tue Jan  1 00:00:00 UTC 2030)"]],
    [{ processIn: "10m", taskId: "abc", group: "g" }, ["ProcessIn(10m0s)", 'TaskID("abc")', 'Group("g")']],
  ])("%j → %j", (opts, want) => {
    expect(formatOptionStrings(opts)).toEqual(want);
  });

  it("parses back (except TaskID and Group, which Go never parses back)", () => {
    const opts = { queue: "low", maxRetry: 3, timeout: "5m", unique: "10m", retention: "24h" };
    const back = parseOptionStrings(formatOptionStrings(opts)).options;
    expect(back).toMatchObject({ queue: "low", maxRetry: 3, timeout: 300_000, unique: 600_000, retention: 86_400_000 });
  });

  it("formats Go's UnixDate with a space-padded day", () => {
    expect(formatGoUnixDate(new Date("2030-01-06T09:00:00Z"))).toBe("Sun Jan  6 09:00:00 UTC 2030");
    expect(formatGoUnixDate(new Date("2026-11-29T02:00:00Z"))).toBe("Sun Nov 29 02:00:00 UTC 2026");
  });
});
