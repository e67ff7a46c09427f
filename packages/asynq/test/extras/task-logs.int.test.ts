// Per-task logs on a real Redis: ctx.log lines kept per task (capped, with a TTL), written in few round trips
// without blocking the handler, mirrored to pino, readable through inspector.taskLogs; absent keys read as [].
import { describe, expect, it } from "vitest";
import type { Broker } from "../../src/internal/base/broker.js";
import type { TaskLogBatch } from "../../src/internal/base/extras.js";
import * as keys from "../../src/internal/base/keys.js";
import { deferred, useServerHarness, waitFor } from "../server/harness.js";

const h = useServerHarness();

/** Wraps a broker so every appendTaskLogs call is recorded (and optionally delayed). */
function recordingLogs(calls: TaskLogBatch[][], delay?: Promise<void>) {
  return (b: Broker): Broker =>
    new Proxy(b, {
      get(target, prop, recv) {
        if (prop === "appendTaskLogs") {
          return async (batches: TaskLogBatch[], keep: { maxLines: number; ttlMs: number }) => {
            calls.push(batches);
            if (delay) await delay;
            return target.appendTaskLogs(batches, keep);
          };
        }
        const v = Reflect.get(target, prop, recv) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
}

describe("ctx.log", () => {
  it("keeps a task's lines in order with levels, fields and attempt, and mirrors them to pino", async () => {
    const { srv, lines } = h.server({ taskLogs: { ttl: "1h" }, retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
    const info = await h.client().enqueue("payout", { user: 7 }, { queue: "default", maxRetry: 1 });
    await srv.start((_t, ctx) => {
      ctx.log("starting payout", { user: 7 });
      ctx.log.warn("provider slow", { ms: 2300 });
      if (ctx.retryCount === 0) {
        ctx.log.error("provider failed");
        throw new Error("boom");
      }
      ctx.log.info("paid");
    });
    const insp = h.inspector();
    await waitFor("second attempt's lines", async () => (await insp.taskLogs("default", info.id)).length === 6);
    const got = await insp.taskLogs("default", info.id);
    expect(got.map((l) => [l.level, l.message, l.retryCount])).toEqual([
      ["info", "starting payout", 0],
      ["warn", "provider slow", 0],
      ["error", "provider failed", 0],
      ["info", "starting payout", 1],
      ["warn", "provider slow", 1],
      ["info", "paid", 1],
    ]);
    expect(got[1]!.fields).toEqual({ ms: 2300 });
    expect(got[2]!.fields).toEqual({});
    expect(got[0]!.time).toBeInstanceOf(Date);
    const pttl = await h.redis().pttl(keys.taskLogKey("default", info.id));
    expect(pttl).toBeGreaterThan(3_500_000);
    expect(pttl).toBeLessThanOrEqual(3_600_000);
    const mirrored = lines.filter((l) => l.msg === "provider slow");
    expect(mirrored[0]).toMatchObject({ taskId: info.id, type: "payout", queue: "default", ms: 2300, level: 40 });
    // `since` a line id returns only newer lines; a time is inclusive; a limit without since is the newest.
    expect((await insp.taskLogs("default", info.id, { since: got[2]!.id })).map((l) => l.retryCount)).toEqual([
      1, 1, 1,
    ]);
    expect(await insp.taskLogs("default", info.id, { since: got[5]!.time.getTime() + 1 })).toEqual([]);
    const fromSecond = await insp.taskLogs("default", info.id, { since: got[3]!.time });
    expect(fromSecond.map((l) => l.message)).toEqual(["starting payout", "provider slow", "paid"]);
    expect((await insp.taskLogs("default", info.id, { limit: 2 })).map((l) => l.id)).toEqual([got[4]!.id, got[5]!.id]);
  });

  it("keeps only the newest maxLines lines per task", async () => {
    const { srv } = h.server({ taskLogs: { maxLines: 5 } });
    const info = await h.client().enqueue("chatty", null);
    const done = deferred();
    await srv.start((_t, ctx) => {
      for (let i = 1; i <= 12; i++) ctx.log(`line ${i}`, { i });
      done.resolve();
    });
    await done.promise;
    await waitFor("task deleted", async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0);
    await waitFor("lines", async () => (await h.inspector().taskLogs("default", info.id)).length === 5);
    const got = await h.inspector().taskLogs("default", info.id);
    expect(got.map((l) => l.message)).toEqual(["line 8", "line 9", "line 10", "line 11", "line 12"]);
    expect(await h.redis().xlen(keys.taskLogKey("default", info.id))).toBe(5);
  });

  it("never blocks the handler and batches the lines of many tasks into few writes", async () => {
    const calls: TaskLogBatch[][] = [];
    const slow = deferred();
    const { srv } = h.server(
      { concurrency: 20, taskLogs: { flushInterval: "100ms" } },
      recordingLogs(calls, slow.promise),
    );
    const infos = await h.client().enqueueMany(Array.from({ length: 40 }, (_, i) => ({ type: "log", payload: { i } })));
    const logTimes: number[] = [];
    await srv.start((_t, ctx) => {
      const t0 = performance.now();
      for (let i = 0; i < 50; i++) ctx.log(`step ${i}`);
      logTimes.push(performance.now() - t0);
    });
    // Every handler finished although the first write has not returned yet.
    await waitFor("all handlers ran", () => logTimes.length === 40);
    expect(Math.max(...logTimes)).toBeLessThan(50);
    slow.resolve();
    await waitFor("all processed", async () => (await h.redis().get(keys.processedTotalKey("default"))) === "40");
    const insp = h.inspector();
    await waitFor("all lines stored", async () => {
      const n = await Promise.all(infos.map((r) => insp.taskLogs("default", r.info!.id)));
      return n.every((l) => l.length === 50);
    });
    // 2,000 lines of 40 tasks in a handful of flushes (each flush = one pipeline), never one per line or task.
    expect(calls.length).toBeLessThan(40);
    expect(calls.flat().reduce((n, b) => n + b.lines.length, 0)).toBe(2000);
  });

  it("reads as empty when a task never logged (a Go-only fleet)", async () => {
    const insp = h.inspector();
    expect(await insp.taskLogs("default", "no-such-task")).toEqual([]);
    expect(await insp.taskLogs("never-seen-queue", "x", { since: "0-0", limit: 3 })).toEqual([]);
    await expect(insp.taskLogs("default", "x", { limit: 0 })).rejects.toThrow(/limit/);
    await expect(insp.taskLogs("default", "x", { since: "yesterday" })).rejects.toThrow(/since/);
  });
});
