// Shared rate limits on a real Redis: two servers share 50/s for one task type; over-limit tasks wait as
// scheduled for their reserved slot and run once, never lost, never failed; other types are not held back.
import { describe, expect, it } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import { isInvalidOptionError } from "../../src/errors.js";
import { resolveServerOptions } from "../../src/server-options.js";
import { useServerHarness, waitFor } from "../server/harness.js";

const h = useServerHarness();

/**
 * Checks a sliding-window limit from handler start times in a way machine load cannot fool: a start can be
 * late (a busy event loop), never early. Grants g satisfy g[k*limit] >= g[0] + k*window on Redis's clock, and
 * every start is at or after its grant, so the (k*limit)-th earliest start is at least `t0 + k*window`, where
 * `t0` was taken before any grant (small slack for the Redis/Node clock read).
 */
function expectNeverEarly(starts: number[], t0: number, limit: number, windowMs: number): void {
  const t = [...starts].sort((a, b) => a - b);
  for (let k = 1; k * limit < t.length; k++)
    expect(t[k * limit]! - t0, `start #${k * limit} came before window ${k} opened`).toBeGreaterThanOrEqual(
      k * windowMs - 25,
    );
}

describe("rate limits", () => {
  it("two servers share a 50/s limit of one type: no more than ~100 start in 2 s, none lost, none failed", async () => {
    const limits = [{ taskType: "notification_send", limit: 50, per: "1s" }];
    const starts = new Map<string, number[]>();
    const byType: Record<string, number[]> = { notification_send: [], other: [] };
    const handler = (t: { type: string }, ctx: { taskId: string }): void => {
      const now = Date.now();
      starts.set(ctx.taskId, [...(starts.get(ctx.taskId) ?? []), now]);
      byType[t.type]!.push(now);
    };
    const a = h.server({ concurrency: 10, rateLimits: limits }).srv;
    const b = h.server({ concurrency: 10, rateLimits: limits }).srv;
    const c = h.client();
    const items = [
      ...Array.from({ length: 150 }, (_, i) => ({ type: "notification_send", payload: { i } })),
      ...Array.from({ length: 30 }, (_, i) => ({ type: "other", payload: { i } })),
    ];
    const enqueued = await c.enqueueMany(items);
    expect(enqueued.every((r) => r.info)).toBe(true);
    const t0Wall = Date.now();
    await Promise.all([a.start(handler), b.start(handler)]);
    let sawDeferred = 0;
    await waitFor(
      "all 180 processed",
      async () => {
        sawDeferred = Math.max(sawDeferred, await h.redis().zcard(keys.scheduledKey("default")));
        return (await h.redis().get(keys.processedTotalKey("default"))) === "180";
      },
      15_000,
    );
    // Nothing lost, nothing run twice, nothing counted as failed or retried.
    expect(starts.size).toBe(180);
    expect([...starts.values()].every((s) => s.length === 1)).toBe(true);
    expect(await h.redis().get(keys.failedTotalKey("default"))).toBeNull();
    const runs = await h.inspector().runHistory("default", { limit: 1000 });
    expect(runs).toHaveLength(180);
    expect(runs.every((r) => r.outcome === "success")).toBe(true);
    expect(sawDeferred).toBeGreaterThan(0); // over-limit tasks waited as scheduled
    // The limit held across both servers: never more than 50 starts before each next second opened.
    expectNeverEarly(byType.notification_send!, t0Wall, 50, 1000);
    // The unlimited type was not held back behind the limited one (which needs at least 2 s).
    expect(Math.max(...byType.other!)).toBeLessThan(Math.max(...byType.notification_send!));
  });

  it("a queue's own limit: the queue is drained at its rate and tasks of other queues run at once", async () => {
    const { srv } = h.server({
      concurrency: 10,
      queues: { bulk: 1, default: 1 },
      rateLimits: [{ queue: "bulk", limit: 20, per: "500ms" }],
    });
    const c = h.client();
    await c.enqueueMany(
      Array.from({ length: 60 }, (_, i) => ({ type: "b", payload: { i }, options: { queue: "bulk" } })),
    );
    await c.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ type: "d", payload: { i } })));
    const bulk: number[] = [];
    const other: number[] = [];
    const t0 = Date.now();

    await srv.start((_t, ctx) => void (ctx.queue === "bulk" ? bulk : other).push(Date.now()));
    await waitFor("all done", () => bulk.length === 60 && other.length === 20, 10_000);
    expectNeverEarly(bulk, t0, 20, 500);
    expect(Math.max(...other)).toBeLessThan(Math.max(...bulk));
    expect(await h.redis().get(keys.failedTotalKey("bulk"))).toBeNull();
  });

  it("validates rate limits, naming the bad field", () => {
    const bad = [
      [{}, "rateLimits[0]"],
      [{ taskType: "x", limit: 0, per: "1s" }, "rateLimits[0].limit"],
      [{ taskType: "x", limit: 5 }, "rateLimits[0].per"],
      [{ queue: " ", limit: 5, per: "1s" }, "rateLimits[0].queue"],
      [{ taskType: "x", limit: 5, per: "2d" }, "rateLimits[0].per"],
    ] as const;
    for (const [limit, field] of bad) {
      let err: unknown;
      try {
        resolveServerOptions({ rateLimits: [limit as never] });
      } catch (e) {
        err = e;
      }
      expect(isInvalidOptionError(err) && err.option, JSON.stringify(limit)).toBe(field);
    }
  });
});
