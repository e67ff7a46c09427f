// Fetching ahead (ServerOptions.prefetch): while tasks are short, a server keeps up to PREFETCH_FACTOR (4) ×
// concurrency tasks leased but never runs more than `concurrency` handlers; long tasks switch it off; tasks fetched ahead are
// put back at stop/shutdown without running, and a cancelled one never runs its handler.
import { describe, expect, it } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import { PREFETCH_FACTOR } from "../../src/internal/services/processor.js";
import { deferred, useServerHarness, waitFor } from "./harness.js";

const h = useServerHarness();

const activeCount = (): Promise<number> => h.redis().llen(keys.activeKey("default"));

/** Enqueues `n` tasks of `type`; returns their ids. */
async function enqueue(type: string, n: number): Promise<string[]> {
  const res = await h.client().enqueueMany(Array.from({ length: n }, (_, i) => ({ type, payload: { i } })));
  return res.map((r) => {
    if (r.error) throw r.error;
    return r.info.id;
  });
}

/** Runs `n` no-op tasks through `srv`'s handler first, so the server has seen short tasks (prefetch on). */
async function warmUp(n: number, seen: () => number): Promise<void> {
  await enqueue("fast", n);
  await waitFor("warm-up tasks", () => seen() >= n && activeCount().then((c) => c === 0));
}

/** Starts `srv`: "fast" tasks return at once; others record their id and block until `release`. */
async function startBlocking(srv: ReturnType<typeof h.server>["srv"]) {
  const state = { fast: 0, ran: [] as string[], release: deferred<void>() };
  await srv.start(async (task, ctx) => {
    if (task.type === "fast") {
      state.fast++;
      return;
    }
    state.ran.push(ctx.taskId);
    await state.release.promise;
  });
  return state;
}

describe("fetching ahead", () => {
  it("holds up to 4 × concurrency tasks leased once tasks are short, never running more than concurrency", async () => {
    expect(PREFETCH_FACTOR).toBe(4);
    const { srv } = h.server({ concurrency: 2, fetchers: 1 });
    let fast = 0;
    let running = 0;
    let maxRunning = 0;
    const release = deferred<void>();
    await srv.start(async (task) => {
      if (task.type === "fast") {
        fast++;
        return;
      }
      running++;
      maxRunning = Math.max(maxRunning, running);
      await release.promise;
      running--;
    });
    await warmUp(4, () => fast);
    await enqueue("block", 10);
    // 2 run, 6 more wait leased in the server (its lane may hold 4 × 2 while the last tasks were short).
    await waitFor("8 active tasks", async () => (await activeCount()) === 8);
    await new Promise((r) => setTimeout(r, 200));
    expect(await activeCount()).toBe(8);
    expect(await h.redis().llen(keys.pendingKey("default"))).toBe(2);
    expect(running).toBe(2);
    release.resolve();
    await waitFor(
      "all done",
      async () => (await activeCount()) === 0 && (await h.redis().llen(keys.pendingKey("default"))) === 0,
    );
    expect(maxRunning).toBe(2);
  });

  it("takes no task ahead while tasks are long (each over 20 ms)", async () => {
    const { srv } = h.server({ concurrency: 2, fetchers: 1 });
    let done = 0;
    await srv.start(async () => {
      await new Promise((r) => setTimeout(r, 40));
      done++;
    });
    await enqueue("slow", 8);
    let maxActive = 0;
    while (done < 8) {
      maxActive = Math.max(maxActive, await activeCount());
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(maxActive).toBeLessThanOrEqual(2);
  });

  it("is off with prefetch: false (Go's behaviour)", async () => {
    const { srv } = h.server({ concurrency: 2, fetchers: 1, prefetch: false });
    let fast = 0;
    const release = deferred<void>();
    await srv.start(async (task) => {
      if (task.type === "fast") fast++;
      else await release.promise;
    });
    await warmUp(6, () => fast);
    await enqueue("block", 6);
    await waitFor("2 active tasks", async () => (await activeCount()) === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(await activeCount()).toBe(2);
    release.resolve();
  });

  it("puts tasks fetched ahead back at the head of pending at shutdown, without running them", async () => {
    const { srv } = h.server({ concurrency: 2, fetchers: 1, shutdownTimeout: 2000 });
    const st = await startBlocking(srv);
    const { ran, release } = st;
    await warmUp(4, () => st.fast);
    const ids = await enqueue("block", 10);
    await waitFor("8 active tasks", async () => (await activeCount()) === 8);
    const stopping = srv.shutdown();
    // The six tasks waiting for a slot go back to pending at once, before the running ones finish.
    await waitFor("6 requeued", async () => (await h.redis().llen(keys.pendingKey("default"))) === 8);
    expect(await activeCount()).toBe(2);
    release.resolve();
    await stopping;
    expect(ran).toHaveLength(2);
    expect(await activeCount()).toBe(0);
    // The requeued tasks are pending again, next in line (the head of the list is its right end).
    const pending = (await h.redis().lrange(keys.pendingKey("default"), 0, -1)).reverse();
    expect(pending).toHaveLength(8);
    expect(pending.slice(0, 6).sort()).toEqual(
      ids
        .filter((id) => !ran.includes(id))
        .slice(0, 6)
        .sort(),
    );
    for (const id of pending) expect(await h.redis().hget(keys.taskKey("default", id), "state")).toBe("pending");
  });

  it("a task fetched ahead that is cancelled never runs its handler and is retried", async () => {
    const { srv } = h.server({ concurrency: 1, fetchers: 1, retryDelayFunc: () => 3_600_000 });
    const st = await startBlocking(srv);
    const { ran, release } = st;
    await warmUp(2, () => st.fast);
    const ids = await enqueue("block", 2);
    await waitFor("2 active tasks", async () => (await activeCount()) === 2);
    const waiting = ids.find((id) => !ran.includes(id))!;
    await h.redis().publish(keys.cancelChannel, waiting);
    await new Promise((r) => setTimeout(r, 100));
    release.resolve();
    await waitFor(
      "cancelled task in retry",
      async () => (await h.redis().hget(keys.taskKey("default", waiting), "state")) === "retry",
    );
    expect(ran).not.toContain(waiting);
    expect(await h.inspector().getTaskInfo("default", waiting)).toMatchObject({ lastErr: "context canceled" });
  });
});
