// Text forms of `vigil task logs`, `vigil task checkpoint` and `vigil runs` (no Redis).
import { describe, expect, it } from "vitest";
import { checkpointText, logLineJson, logLineText, runsTable } from "../src/commands/task-extras.js";

const line = {
  id: "1764380000123-0",
  time: new Date("2026-11-29T01:12:32.123Z"),
  level: "warn" as const,
  message: "provider slow",
  fields: { ms: 2300, note: "two words", user: "bob" },
  retryCount: 1,
};

describe("task extras formatting", () => {
  it("prints a log line with time, level, attempt, message and key=value fields", () => {
    expect(logLineText(line, false)).toBe(
      '2026-11-29 01:12:32.123Z warn  [try 2] provider slow  ms=2300 note="two words" user=bob',
    );
    expect(logLineText({ ...line, fields: {} }, false)).toBe("2026-11-29 01:12:32.123Z warn  [try 2] provider slow");
    expect(logLineText(line, true)).toContain("\u001b[33mwarn \u001b[39m");
    expect(logLineJson(line)).toEqual({ ...line, time: "2026-11-29T01:12:32.123Z" });
  });

  it("prints a checkpoint, pretty when its state is long", () => {
    const now = Date.parse("2026-11-29T01:13:00Z");
    const c = { state: { paidThrough: 4 }, savedAt: new Date("2026-11-29T01:12:30Z"), retryCount: 0 };
    expect(checkpointText("t1", c, now, false)).toBe(
      'task        t1\nsaved at    2026-11-29 01:12:30Z (30s ago)\nby attempt  1\nstate       {"paidThrough":4}\n',
    );
    const long = checkpointText("t1", { ...c, state: { items: "x".repeat(120) } }, now, false);
    expect(long).toContain(`state       {\n              "items": "${"x".repeat(120)}"\n            }\n`);
  });

  it("prints runs as a table", () => {
    const now = Date.parse("2026-11-29T01:13:00Z");
    const r = {
      taskId: "t1",
      type: "email",
      queue: "q",
      startedAt: new Date("2026-11-29T01:12:58Z"),
      finishedAt: new Date("2026-11-29T01:12:59.5Z"),
      durationMs: 1500,
      outcome: "retry" as const,
      error: "boom",
    };
    expect(runsTable([r, { ...r, durationMs: 12, outcome: "success", error: "" }], now, false)).toBe(
      [
        "FINISHED                       TASK ID  TYPE   OUTCOME  DURATION  ERROR",
        "2026-11-29 01:12:59Z (1s ago)  t1       email  retry        1.5s  boom",
        "2026-11-29 01:12:59Z (1s ago)  t1       email  success      12ms",
        "",
      ].join("\n"),
    );
  });
});
