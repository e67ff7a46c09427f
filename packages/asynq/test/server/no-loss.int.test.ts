// Nothing is lost: thousands of tasks through batch dequeue and group-committed finalization, with a
// shutdown in the middle whose unfinished tasks are requeued and finished by a second server.
import { describe, expect, it } from "vitest";
import { AsynqError } from "../../src/errors.js";
import type { Broker, FinalizeOp } from "../../src/internal/base/broker.js";
import * as keys from "../../src/internal/base/keys.js";
import { useServerHarness, waitFor } from "./harness.js";

const h = useServerHarness();

describe("no task lost", () => {
  it("every task completes exactly once across a mid-run shutdown and a second server", async () => {
    const n = 3000;
    const c = h.client();
    const results = await c.enqueueMany(Array.from({ length: n }, (_, i) => ({ type: "work", payload: { i } })));
    expect(results.every((r) => r.info)).toBe(true);
    const completions = new Map<string, number>();
    const handler = async (_t: unknown, ctx: { taskId: string; signal: AbortSignal }): Promise<void> => {
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      if (ctx.signal.aborted) throw new Error("aborted");
      completions.set(ctx.taskId, (completions.get(ctx.taskId) ?? 0) + 1);
    };
    const a = h.server({ concurrency: 20, shutdownTimeout: 0 }).srv;
    await a.start(handler);
    await waitFor("a third done", () => completions.size >= n / 3);
    await a.shutdown(); // timeout 0: whatever runs now is requeued
    expect(await h.redis().llen(keys.activeKey("default"))).toBe(0);
    const b = h.server({ concurrency: 50 }).srv;
    await b.start(handler);
    await waitFor(
      "all processed",
      async () => (await h.redis().get(keys.processedTotalKey("default"))) === String(n),
      20_000,
    );
    expect(completions.size).toBe(n);
    expect(await h.redis().llen(keys.pendingKey("default"))).toBe(0);
    expect(await h.redis().llen(keys.activeKey("default"))).toBe(0);
    expect(await h.redis().zcard(keys.leaseKey("default"))).toBe(0);
    expect(await h.redis().keys(keys.taskKeyPrefix("default") + "*")).toEqual([]);
    // Requeued tasks were aborted before they finished, so no handler completed twice.
    expect([...completions.values()].every((v) => v === 1)).toBe(true);
  });
});

describe("failed writes", () => {
  it("retries a finalize write that failed with UNAVAILABLE until it lands (Go's syncer)", async () => {
    let failures = 2;
    const flaky = (b: Broker): Broker =>
      new Proxy(b, {
        get(target, prop, recv) {
          if (prop === "finalizeMany") {
            return async (ops: readonly FinalizeOp[]) => {
              if (failures-- > 0) return ops.map(() => new AsynqError("test", "UNAVAILABLE", "connection lost"));
              return target.finalizeMany(ops);
            };
          }
          const v = Reflect.get(target, prop, recv) as unknown;
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    const { srv, lines } = h.server({ heartbeatInterval: 1000 }, flaky);
    const info = await h.client().enqueue("once");
    let runs = 0;
    await srv.start(() => void runs++);
    await waitFor("deleted", async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0, 5000);
    // The success line is logged just after the write lands, so wait for it rather than race it.
    await waitFor(
      "the retried write logged",
      () => lines.some((l) => l.msg === "write succeeded on retry" && l.attempt === 3),
      5000,
    );
    expect(runs).toBe(1);
    expect(lines.filter((l) => l.msg === "finalize write failed" && l.taskId === info.id)).toHaveLength(2);
  });
});
