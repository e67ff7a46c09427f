// Resolution of Vigil's extra server options (task logs, checkpoints, run history, rate limits): defaults,
// parsing, and InvalidOptionError naming the bad field; also that resolveServerOptions accepts them.
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "./errors.js";
import { type ServerExtrasOptions, resolveServerExtras } from "./server-extras-options.js";
import { resolveServerOptions } from "./server-options.js";

const WEEK = 7 * 24 * 3600 * 1000;

describe("resolveServerExtras", () => {
  it("defaults: 1000 lines for 7 days flushed every 100 ms, 7-day checkpoints, 10,000 runs for 7 days, no limits", () => {
    expect(resolveServerExtras({})).toEqual({
      taskLogMaxLines: 1000,
      taskLogTtlMs: WEEK,
      taskLogFlushMs: 100,
      checkpointTtlMs: WEEK,
      runHistory: { maxEntries: 10_000, retentionMs: WEEK },
      rateLimits: [],
    });
    expect(resolveServerOptions().extras.runHistory).toEqual({ maxEntries: 10_000, retentionMs: WEEK });
  });

  it("parses given values, turns history off with false, and names each limit", () => {
    const x = resolveServerExtras({
      taskLogs: { maxLines: 50, ttl: "1h", flushInterval: "250ms" },
      checkpointTtl: "48h",
      runHistory: false,
      rateLimits: [
        { taskType: "notification_send", limit: 500, per: "1s" },
        { queue: "bulk", limit: 20, per: 60_000 },
        { queue: "bulk", taskType: "export", limit: 1, per: "1m" },
      ],
    });
    expect(x).toMatchObject({ taskLogMaxLines: 50, taskLogTtlMs: 3_600_000, taskLogFlushMs: 250 });
    expect(x.checkpointTtlMs).toBe(48 * 3_600_000);
    expect(x.runHistory).toBeNull();
    expect(x.rateLimits.map((l) => [l.name, l.limit, l.perMs])).toEqual([
      ["type=notification_send", 500, 1000],
      ["queue=bulk", 20, 60_000],
      ["queue=bulk type=export", 1, 60_000],
    ]);
    expect(Object.isFrozen(x)).toBe(true);
  });

  it.each([
    [{ taskLogs: { maxLines: 0 } }, "taskLogs.maxLines"],
    [{ taskLogs: { ttl: "10ms" } }, "taskLogs.ttl"],
    [{ taskLogs: { flushInterval: "2m" } }, "taskLogs.flushInterval"],
    [{ taskLogs: [] as never }, "taskLogs"],
    [{ checkpointTtl: "soon" }, "checkpointTtl"],
    [{ runHistory: true as never }, "runHistory"],
    [{ runHistory: { maxEntries: 1.5 } }, "runHistory.maxEntries"],
    [{ runHistory: { retention: -1 } }, "runHistory.retention"],
    [{ rateLimits: {} as never }, "rateLimits"],
    [{ rateLimits: [null as never] }, "rateLimits[0]"],
    [{ rateLimits: [{ limit: 1, per: "1s" }] }, "rateLimits[0]"],
    [{ rateLimits: [{ taskType: "a", limit: 100_001, per: "1s" }] }, "rateLimits[0].limit"],
    [{ rateLimits: [{ taskType: "a", per: "1s" } as never] }, "rateLimits[0].limit"],
    [{ rateLimits: [{ taskType: "a", limit: 1, per: 0 }] }, "rateLimits[0].per"],
    [{ rateLimits: [{ taskType: 5 as never, limit: 1, per: "1s" }] }, "rateLimits[0].taskType"],
    [
      {
        rateLimits: [
          { taskType: "a", limit: 1, per: "1s" },
          { taskType: "a", limit: 2, per: "1s" },
        ],
      },
      "rateLimits[1]",
    ],
  ] as [ServerExtrasOptions, string][])("rejects %j naming %s", (options, field) => {
    let err: unknown;
    try {
      resolveServerOptions(options);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).option).toBe(field);
  });
});
