// Run history on a real Redis: every finished attempt (success, retry, archived, revoked, requeued) recorded with
// the finalization, capped by count and age, outliving the task hash; filters; off switch; empty when absent.
import { describe, expect, it } from "vitest";
import { RevokeTask, SkipRetry } from "../../src/retry.js";
import * as keys from "../../src/internal/base/keys.js";
import { SimulatedClock } from "../../src/internal/clock.js";
import { deferred, useServerHarness, waitFor } from "../server/harness.js";

const h = useServerHarness();

describe("run history", () => {
  it("records an attempt lost with its worker when the recoverer retries it, then the attempt that ran", async () => {
    const lost = await h.client().enqueue("orphan", null, { maxRetry: 3 });
    // A "dead server" dequeued it two minutes ago and never extended its lease.
    await h.broker(new SimulatedClock(Date.now() - 120_000)).dequeueMany("default", 1);
    const { srv } = h.server({ retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
    await srv.start(() => {});
    const insp = h.inspector();
    await waitFor("both attempts recorded", async () => (await insp.runHistory("default")).length === 2);
    const [ran, recovered] = await insp.runHistory("default");
    expect(recovered).toMatchObject({
      taskId: lost.id,
      type: "orphan",
      outcome: "retry",
      error: "asynq: task lease expired",
      durationMs: 0,
    });
    expect(ran).toMatchObject({ taskId: lost.id, outcome: "success", error: "" });
  });

  it("records each attempt's outcome, timing and error; a succeeded task's runs outlive its hash", async () => {
    const { srv } = h.server({ retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
    const c = h.client();
    const flaky = await c.enqueue("flaky", null, { maxRetry: 3 });
    const doomed = await c.enqueue("doomed", null, { maxRetry: 5 });
    const revoked = await c.enqueue("revoked", null);
    const kept = await c.enqueue("kept", null, { retention: "1h" });
    await srv.start(async (t, ctx) => {
      if (t.type === "flaky" && ctx.retryCount < 2) {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error(`flake ${ctx.retryCount}`);
      }
      if (t.type === "doomed") throw new Error("bad input", { cause: SkipRetry });
      if (t.type === "revoked") throw RevokeTask;
    });
    const insp = h.inspector();
    await waitFor("all finished", async () => (await insp.runHistory("default")).length === 6);
    const runs = await insp.runHistory("default");
    const of = (id: string) => runs.filter((r) => r.taskId === id);
    expect(of(flaky.id).map((r) => [r.outcome, r.error])).toEqual([
      ["success", ""],
      ["retry", "flake 1"],
      ["retry", "flake 0"],
    ]);
    expect(of(doomed.id).map((r) => r.outcome)).toEqual(["archived"]);
    expect(of(doomed.id)[0]!.error).toBe("bad input");
    expect(of(revoked.id).map((r) => r.outcome)).toEqual(["revoked"]);
    expect(of(kept.id).map((r) => r.outcome)).toEqual(["success"]);
    const fail = of(flaky.id)[2]!;
    expect(fail).toMatchObject({ type: "flaky", queue: "default" });
    expect(fail.durationMs).toBeGreaterThanOrEqual(15);
    expect(fail.finishedAt.getTime() - fail.startedAt.getTime()).toBe(fail.durationMs);
    // Newest first; the deleted task's hash is gone but its runs stay.
    expect(runs.map((r) => r.finishedAt.getTime())).toEqual(
      [...runs].map((r) => r.finishedAt.getTime()).sort((a, b) => b - a),
    );
    expect(await h.redis().exists(keys.taskKey("default", flaky.id))).toBe(0);
    // Filters: task id, type, limit, since.
    expect((await insp.runHistory("default", { taskId: flaky.id })).length).toBe(3);
    expect((await insp.runHistory("default", { type: "doomed" })).map((r) => r.taskId)).toEqual([doomed.id]);
    expect((await insp.runHistory("default", { limit: 2 })).length).toBe(2);
    const newest = runs[0]!.finishedAt;
    expect((await insp.runHistory("default", { since: newest })).length).toBeGreaterThanOrEqual(1);
    expect(await insp.runHistory("default", { since: newest.getTime() + 60_000 })).toEqual([]);
    // The stored member keeps the shape other readers (cron monitor) rely on.
    const [member] = await h.redis().zrange(keys.runHistoryKey("default"), "0", "0");
    expect(Object.keys(JSON.parse(member!) as object)).toEqual([
      "taskId",
      "type",
      "queue",
      "startMs",
      "durationMs",
      "outcome",
      "error",
    ]);
  });

  it("records a requeue at shutdown as `requeued`", async () => {
    const { srv } = h.server({ shutdownTimeout: 0 });
    const info = await h.client().enqueue("slow", null);
    const started = deferred();
    await srv.start(async (_t, ctx) => {
      started.resolve();
      await new Promise((r) => ctx.signal.addEventListener("abort", r));
    });
    await started.promise;
    await srv.shutdown();
    const runs = await h.inspector().runHistory("default", { taskId: info.id });
    expect(runs.map((r) => [r.outcome, r.error])).toEqual([["requeued", ""]]);
  });

  it("is capped by count and by age, and its key expires after the retention", async () => {
    const { srv } = h.server({ concurrency: 8, runHistory: { maxEntries: 25, retention: "2s" } });
    const c = h.client();
    await c.enqueueMany(Array.from({ length: 60 }, (_, i) => ({ type: "n", payload: { i } })));
    await srv.start(() => {});
    await waitFor("60 processed", async () => (await h.redis().get(keys.processedTotalKey("default"))) === "60");
    await waitFor("history written", async () => (await h.redis().zcard(keys.runHistoryKey("default"))) === 25);
    const pttl = await h.redis().pttl(keys.runHistoryKey("default"));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(2000);
    await new Promise((r) => setTimeout(r, 2100));
    await c.enqueue("late", null);
    await waitFor("late run", async () => (await h.inspector().runHistory("default", { type: "late" })).length === 1);
    // Everything older than 2 s was trimmed by age when the late run was added.
    expect((await h.inspector().runHistory("default")).map((r) => r.type)).toEqual(["late"]);
  });

  it("can be turned off, and reads as empty without history (a Go-only fleet)", async () => {
    const { srv } = h.server({ runHistory: false });
    await h.client().enqueue("quiet", null);
    await srv.start(() => {});
    await waitFor("processed", async () => (await h.redis().get(keys.processedTotalKey("default"))) === "1");
    expect(await h.redis().exists(keys.runHistoryKey("default"))).toBe(0);
    expect(await h.inspector().runHistory("default")).toEqual([]);
    expect(await h.inspector().runHistory("no-such-queue", { taskId: "x", type: "y" })).toEqual([]);
  });
});
