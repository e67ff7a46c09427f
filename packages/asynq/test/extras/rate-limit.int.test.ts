// Shared rate limits on a real Redis: two servers share 50/s for one task type; over-limit tasks wait as
// scheduled for their reserved slot and run once, never lost, never failed; other types are not held back.
import { describe, expect, it } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import { isInvalidOptionError } from "../../src/errors.js";
import { resolveServerOptions } from "../../src/server-options.js";
import { useServerHarness, waitFor } from "../server/harness.js";

const h = useServerHarness();

/** Most starts within any window of `windowMs` (times in ms, any order). */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("rate limits", () => {
  it("two servers share a 50/s limit of one type: no more than ~100 start in 2 s, none lost, none failed", async () => {
    const limits = [{ taskType: "notification_send", limit: 50, per: "1s" }];
    const starts = new Map<string, number[]>();
    const byType: Record<string, number[]> = { notification_send: [], other: [] };
    const handler = (t: { type: string }, ctx: { taskId: string }): void => {
      const now = performance.now();
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
    const t0 = performance.now();
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
    // The limit held across both servers. Slots are exact on Redis's clock, so a window is measured here
    // 50 ms short of 1 s to absorb the grant-to-handler jitter at the window edges.
    const sends = byType.notification_send!;
    const first = Math.min(...sends);
    expect(sends.filter((s) => s - first < 1950).length).toBeLessThanOrEqual(100);
    expect(maxInWindow(sends, 950)).toBeLessThanOrEqual(50);
    // 150 at 50/s: the last third starts about 2 s after the first.
    expect(Math.max(...sends) - first).toBeGreaterThan(1900);
    // The unlimited type was not held back behind the limited one.
    expect(Math.max(...byType.other!) - t0).toBeLessThan(1000);
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
    const t0 = performance.now();
    await srv.start((_t, ctx) => void (ctx.queue === "bulk" ? bulk : other).push(performance.now()));
    await waitFor("all done", () => bulk.length === 60 && other.length === 20, 10_000);
    expect(maxInWindow(bulk, 450)).toBeLessThanOrEqual(20);
    expect(Math.max(...bulk) - Math.min(...bulk)).toBeGreaterThan(900);
    expect(Math.max(...other) - t0).toBeLessThan(1000);
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
