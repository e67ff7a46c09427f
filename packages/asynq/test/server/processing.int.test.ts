// Server outcomes against a real Redis (spec §6.4-§6.6): success deletes, retention completes, failures retry
// with the error text, retries run out into archived, SkipRetry archives, RevokeTask deletes, timeouts and
// throws of non-Errors keep Go's texts, and a paused queue is left alone.
import { describe, expect, it } from "vitest";
import type { HandlerContext } from "../../src/handler.js";
import * as keys from "../../src/internal/base/keys.js";
import { RevokeTask, SkipRetry, revokeTask } from "../../src/retry.js";
import { ServeMux } from "../../src/serve-mux.js";
import type { Task } from "../../src/task.js";
import { aborted, deferred, useServerHarness, waitFor } from "./harness.js";

const h = useServerHarness();

async function stateOf(queue: string, id: string): Promise<string | null> {
  return h.redis().hget(keys.taskKey(queue, id), "state");
}

describe("Server outcomes", () => {
  it("deletes a task on success, counts it, and passes the context", async () => {
    const seen = deferred<{ task: Task; ctx: HandlerContext }>();
    const { srv } = h.server();
    const info = await h.client().enqueue("email:welcome", { user: 1 }, { maxRetry: 7 });
    await srv.start((task, ctx) => seen.resolve({ task, ctx }));
    const { task, ctx } = await seen.promise;
    expect(task.type).toBe("email:welcome");
    expect(Buffer.from(task.payload!).toString()).toBe('{"user":1}');
    expect(ctx).toMatchObject({ taskId: info.id, queue: "default", retryCount: 0, maxRetry: 7 });
    expect(ctx.deadline.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    await waitFor("task deleted", async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0);
    expect(await h.redis().get(keys.processedTotalKey("default"))).toBe("1");
    expect(await h.redis().llen(keys.activeKey("default"))).toBe(0);
    expect(await h.redis().zcard(keys.leaseKey("default"))).toBe(0);
  });

  it("keeps a task with retention as completed, with its result", async () => {
    const { srv } = h.server();
    const info = await h.client().enqueue("report", "r", { retention: "1h" });
    await srv.start(async (_task, ctx) => {
      const { write } = ctx.resultWriter; // destructured, as handlers do
      expect(await write("done!")).toBe(5);
    });
    await waitFor("completed", async () => (await stateOf("default", info.id)) === "completed");
    const got = await h.inspector().getTaskInfo("default", info.id);
    expect(got.state).toBe("completed");
    expect(Buffer.from(got.result!).toString()).toBe("done!");
    expect(got.completedAt!.getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(await h.redis().zscore(keys.completedKey("default"), info.id)).not.toBeNull();
  });

  it("schedules a retry with the error text and counts the failure", async () => {
    const errors: string[] = [];
    const { srv } = h.server({
      retryDelayFunc: (n) => (n + 1) * 60_000,
      errorHandler: (_t, e) => void errors.push(e.message),
    });
    const info = await h.client().enqueue("flaky");
    await srv.start(() => {
      throw new Error("upstream 503");
    });
    await waitFor("retry", async () => (await stateOf("default", info.id)) === "retry");
    const got = await h.inspector().getTaskInfo("default", info.id);
    expect(got).toMatchObject({ state: "retry", retried: 1, lastErr: "upstream 503" });
    const score = Number(await h.redis().zscore(keys.retryKey("default"), info.id));
    expect(score * 1000).toBeGreaterThan(Date.now() + 55_000);
    expect(score * 1000).toBeLessThan(Date.now() + 65_000);
    expect(await h.redis().get(keys.failedTotalKey("default"))).toBe("1");
    expect(errors).toEqual(["upstream 503"]);
  });

  it("archives once retried >= maxRetry (retry runs through the forwarder)", async () => {
    let attempts = 0;
    const { srv } = h.server({ retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
    const info = await h.client().enqueue("doomed", null, { maxRetry: 1 });
    await srv.start(() => {
      attempts++;
      throw new Error(`attempt ${attempts} failed`);
    });
    await waitFor("archived", async () => (await stateOf("default", info.id)) === "archived");
    const got = await h.inspector().getTaskInfo("default", info.id);
    expect(got).toMatchObject({ state: "archived", retried: 1, maxRetry: 1, lastErr: "attempt 2 failed" });
    expect(attempts).toBe(2);
  });

  it("archives at once on SkipRetry (wrapped as a cause too)", async () => {
    const { srv } = h.server();
    const c = h.client();
    const a = await c.enqueue("a");
    const b = await c.enqueue("b");
    const mux = new ServeMux()
      .handle("a", () => {
        throw SkipRetry;
      })
      .handle("b", () => {
        throw new Error("bad payload", { cause: SkipRetry });
      });
    await srv.start(mux);
    await waitFor("both archived", async () =>
      (await Promise.all([stateOf("default", a.id), stateOf("default", b.id)])).every((s) => s === "archived"),
    );
    expect((await h.inspector().getTaskInfo("default", a.id)).lastErr).toBe("skip retry for the task");
    expect((await h.inspector().getTaskInfo("default", b.id)).lastErr).toBe("bad payload");
    expect((await h.inspector().getTaskInfo("default", b.id)).retried).toBe(0);
  });

  it("deletes the task on RevokeTask, counted as processed, not failed", async () => {
    const { srv } = h.server();
    const c = h.client();
    const a = await c.enqueue("a");
    const b = await c.enqueue("b");
    await srv.start((task) => {
      throw task.type === "a" ? RevokeTask : revokeTask("user gone");
    });
    await waitFor(
      "both deleted",
      async () => (await h.redis().exists(keys.taskKey("default", a.id), keys.taskKey("default", b.id))) === 0,
    );
    expect(await h.redis().get(keys.processedTotalKey("default"))).toBe("2");
    expect(await h.redis().get(keys.failedTotalKey("default"))).toBeNull();
  });

  it("times out with `context deadline exceeded` and aborts the handler's signal", async () => {
    const reason = deferred<unknown>();
    const { srv } = h.server({ retryDelayFunc: () => 3_600_000 });
    const info = await h.client().enqueue("slow", null, { timeout: "1s" });
    await srv.start(async (_t, ctx) => {
      reason.resolve(await aborted(ctx.signal));
    });
    expect(((await reason.promise) as Error).message).toBe("context deadline exceeded");
    await waitFor("retry", async () => (await stateOf("default", info.id)) === "retry");
    expect((await h.inspector().getTaskInfo("default", info.id)).lastErr).toBe("context deadline exceeded");
  });

  it("fails a task whose deadline already passed without running it", async () => {
    let ran = false;
    const { srv } = h.server({ retryDelayFunc: () => 3_600_000 });
    const info = await h.client().enqueue("late", null, { deadline: new Date(Date.now() - 5000) });
    await srv.start(() => void (ran = true));
    await waitFor("retry", async () => (await stateOf("default", info.id)) === "retry");
    expect((await h.inspector().getTaskInfo("default", info.id)).lastErr).toBe("context deadline exceeded");
    expect(ran).toBe(false);
  });

  it("turns throws of non-Errors into Go's panic text and unknown types into not-found errors", async () => {
    const { srv } = h.server({ retryDelayFunc: () => 3_600_000 });
    const c = h.client();
    const p = await c.enqueue("panics");
    const u = await c.enqueue("unknown:type");
    await srv.start(
      new ServeMux().handle("panics", () => {
        // eslint-disable-next-line no-restricted-syntax -- a non-Error throw (Go: a panic) is what is tested
        throw "kaboom";
      }),
    );
    await waitFor("both retry", async () =>
      (await Promise.all([stateOf("default", p.id), stateOf("default", u.id)])).every((s) => s === "retry"),
    );
    expect((await h.inspector().getTaskInfo("default", p.id)).lastErr).toBe("panic error cause by: panic: kaboom");
    expect((await h.inspector().getTaskInfo("default", u.id)).lastErr).toBe(
      'handler not found for task "unknown:type"',
    );
  });

  it("does not process a paused queue, and does once it is unpaused", async () => {
    const { srv } = h.server({ queues: { paused: 1, open: 1 } });
    const c = h.client();
    const insp = h.inspector();
    await insp.pauseQueue("paused");
    const p = await c.enqueue("job", null, { queue: "paused" });
    const o = await c.enqueue("job", null, { queue: "open" });
    const done: string[] = [];
    await srv.start((_t, ctx) => void done.push(ctx.taskId));
    await waitFor("open queue processed", () => done.includes(o.id));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).not.toContain(p.id);
    expect(await stateOf("paused", p.id)).toBe("pending");
    await insp.unpauseQueue("paused");
    await waitFor("paused queue processed after unpause", () => done.includes(p.id));
  });
});
