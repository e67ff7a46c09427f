// Decoding of run-history members and the keys of Vigil's per-task data (no Redis).
import { describe, expect, it } from "vitest";
import * as keys from "../base/keys.js";
import { encodeRunEntry } from "./rdb-extras.js";
import { decodeRunRecord } from "./inspect-extras.js";

describe("run history records", () => {
  it("encodes exactly as JSON.stringify of the record, also with cached type/queue literals and odd text", () => {
    for (const [type, queue, error] of [
      ["email", "q", ""],
      ["email", "q", 'x "y"\n\u0001 \ud800'],
      ['t"\\', "crit\u2028ical", "boom"],
      ['t"\\', "crit\u2028ical", ""],
    ] as const) {
      const e = { taskId: 'id-"1"', type, queue, startMs: 5, durationMs: 0, outcome: "success" as const, error };
      const { taskId, startMs, durationMs, outcome } = e;
      expect(encodeRunEntry({ ...e, finishMs: 5 })).toBe(
        JSON.stringify({ taskId, type, queue, startMs, durationMs, outcome, error }),
      );
    }
  });

  it("round-trips an entry: JSON member without the finish time, which is the score", () => {
    const member = encodeRunEntry({
      taskId: "t1",
      type: "email",
      queue: "q",
      startMs: 1000,
      durationMs: 250,
      outcome: "retry",
      error: "boom",
      finishMs: 1250,
    });
    expect(JSON.parse(member)).toEqual({
      taskId: "t1",
      type: "email",
      queue: "q",
      startMs: 1000,
      durationMs: 250,
      outcome: "retry",
      error: "boom",
    });
    expect(decodeRunRecord(member, 1250)).toEqual({
      taskId: "t1",
      type: "email",
      queue: "q",
      startedAt: new Date(1000),
      finishedAt: new Date(1250),
      durationMs: 250,
      outcome: "retry",
      error: "boom",
    });
  });

  it.each(["not json", "[1,2]", "null", '{"type":"no id"}'])("skips a member that does not decode: %s", (m) => {
    expect(decodeRunRecord(m, 1)).toBeNull();
  });
});

describe("keys of Vigil's per-task data", () => {
  it("share the queue's hash tag, except a type limit across queues", () => {
    expect(keys.taskLogKey("q", "id1")).toBe("vigil:{q}:logs:id1");
    expect(keys.checkpointKey("q", "id1")).toBe("vigil:{q}:checkpoint:id1");
    expect(keys.runHistoryKey("q")).toBe("vigil:{q}:runs");
    expect(keys.rateLimitKey({ queue: "q" })).toBe("vigil:{q}:rate:queue");
    expect(keys.rateLimitKey({ queue: "q", taskType: "t" })).toBe("vigil:{q}:rate:type:t");
    expect(keys.rateLimitKey({ taskType: "t" })).toBe("vigil:rate:type:t");
  });
});
