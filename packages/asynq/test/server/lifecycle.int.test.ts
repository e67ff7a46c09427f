// Server lifecycle against a real Redis (spec §6.3, §6.9, §6.12, §7, §8): cancellation over asynq:cancel,
// graceful shutdown that requeues what did not finish, heartbeats Go's Inspector can decode, Stop(), the
// recoverer taking over a dead server's task, and a local lease expiry that abandons a task without writes.
import { describe, expect, it } from "vitest";
import type { Broker } from "../../src/internal/base/broker.js";
import { decodeServerInfo, decodeWorkerInfo } from "../../src/internal/base/info.js";
import * as keys from "../../src/internal/base/keys.js";
import { SimulatedClock } from "../../src/internal/clock.js";
import { isLeaseExpired } from "../../src/retry.js";
import { aborted, deferred, useServerHarness, waitFor } from "./harness.js";

const h = useServerHarness();

async function stateOf(queue: string, id: string): Promise<string | null> {
  return h.redis().hget(keys.taskKey(queue, id), "state");
}

describe("cancellation", () => {
  it("aborts the handler on an Inspector-style PUBLISH asynq:cancel and retries with `context canceled`", async () => {
    const started = deferred<void>();
    const { srv } = h.server({ retryDelayFunc: () => 3_600_000 });
    const info = await h.client().enqueue("long");
    await srv.start(async (_t, ctx) => {
      started.resolve();
      await aborted(ctx.signal);
    });
    await started.promise;
    await h.redis().publish(keys.cancelChannel, info.id);
    await waitFor("retry", async () => (await stateOf("default", info.id)) === "retry");
    const got = await h.inspector().getTaskInfo("default", info.id);
    expect(got).toMatchObject({ lastErr: "context canceled", retried: 1 });
  });
});

describe("graceful shutdown", () => {
  it("waits for running tasks, then requeues the unfinished at the head of pending and clears server state", async () => {
    const { srv } = h.server({ concurrency: 2, shutdownTimeout: 300 });
    const c = h.client();
    const quick = await c.enqueue("quick");
    const stuck = await c.enqueue("stuck");
    const behind = await c.enqueue("stuck");
    const running = deferred<void>();
    const reasons: unknown[] = [];
    let count = 0;
    await srv.start(async (task, ctx) => {
      if (task.type === "quick") {
        await new Promise((r) => setTimeout(r, 100));
        return;
      }
      if (++count === 1) running.resolve();
      reasons.push(await aborted(ctx.signal));
      await new Promise(() => {}); // ignores its signal: must be abandoned, not awaited
    });
    await running.promise;
    const t0 = performance.now();
    await srv.shutdown();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    expect(srv.status).toBe("closed");
    expect(await h.redis().exists(keys.taskKey("default", quick.id))).toBe(0);
    expect(await stateOf("default", stuck.id)).toBe("pending");
    expect(await h.redis().lrange(keys.pendingKey("default"), 0, -1)).toEqual([behind.id, stuck.id]);
    expect(await h.redis().llen(keys.activeKey("default"))).toBe(0);
    expect(await h.redis().hget(keys.taskKey("default", stuck.id), "pending_since")).toBeNull();
    expect((reasons[0] as Error).message).toBe("context canceled");
    expect(await h.redis().zcard(keys.allServers)).toBe(0);
    expect(await h.redis().keys("asynq:servers:*")).toEqual([]);
    await expect(srv.start(() => {})).rejects.toThrow("asynq: Server closed");
  });
});

describe("heartbeat", () => {
  it("writes ServerInfo and WorkerInfo Go's Inspector decodes, reports stopped, and clears on shutdown", async () => {
    const release = deferred<void>();
    const running = deferred<void>();
    const { srv } = h.server({ concurrency: 3, queues: { critical: 6, default: 3 }, heartbeatInterval: 1000 });
    const info = await h.client().enqueue("hold", "secret-payload", { queue: "critical", timeout: "2m" });
    await srv.start(async () => {
      running.resolve();
      await release.promise;
    });
    await running.promise;
    const { host, pid, serverId } = srv.identity;
    const serverKey = keys.serverInfoKey(host, pid, serverId);
    const workersKey = keys.workersKey(host, pid, serverId);
    await waitFor("worker entry", async () => (await h.redis().hlen(workersKey)) === 1, 3000);
    const server = decodeServerInfo((await h.redis().getBuffer(serverKey))!);
    expect(server).toMatchObject({
      host,
      pid,
      serverId,
      concurrency: 3,
      queues: { critical: 6, default: 3 },
      strictPriority: false,
      status: "active",
      activeWorkerCount: 1,
    });
    expect(await h.redis().ttl(serverKey)).toBeGreaterThan(0);
    expect(await h.redis().zscore(keys.allServers, serverKey)).not.toBeNull();
    expect(await h.redis().zscore(keys.allWorkers, workersKey)).not.toBeNull();
    const worker = decodeWorkerInfo((await h.redis().hgetBuffer(workersKey, info.id))!);
    expect(worker).toMatchObject({ taskId: info.id, taskType: "hold", queue: "critical", serverId });
    expect(worker.deadline!.getTime() - worker.startTime!.getTime()).toBe(120_000);
    const [listed] = await h.inspector().servers();
    expect(listed).toMatchObject({ id: serverId, status: "active", concurrency: 3 });

    srv.stop();
    await waitFor(
      "status stopped",
      async () => {
        const b = await h.redis().getBuffer(serverKey);
        return b && decodeServerInfo(b).status === "stopped";
      },
      3000,
    );
    release.resolve();
    await srv.shutdown();
    expect(await h.redis().exists(serverKey, workersKey)).toBe(0);
    expect(await h.redis().zcard(keys.allServers)).toBe(0);
    expect(await h.redis().zcard(keys.allWorkers)).toBe(0);
  });
});

describe("recoverer", () => {
  it("at start, retries a dead server's task whose lease expired more than 30 s ago", async () => {
    const info = await h.client().enqueue("orphan", null, { maxRetry: 3 });
    // A "dead server" dequeued it two minutes ago and never extended its lease.
    const past = new SimulatedClock(Date.now() - 120_000);
    const [taken] = await h.broker(past).dequeueMany("default", 1);
    expect(taken).toMatchObject({ msg: { id: info.id } });
    const { srv } = h.server({ retryDelayFunc: () => 3_600_000 });
    await srv.start(() => {});
    await waitFor("retry", async () => (await stateOf("default", info.id)) === "retry");
    expect(await h.inspector().getTaskInfo("default", info.id)).toMatchObject({
      lastErr: "asynq: task lease expired",
      retried: 1,
    });
    expect(await h.redis().llen(keys.activeKey("default"))).toBe(0);
  });

  it("archives it when no retries are left, and leaves fresh leases alone", async () => {
    const c = h.client();
    const old = await c.enqueue("orphan", null, { maxRetry: 0 });
    const past = new SimulatedClock(Date.now() - 120_000);
    await h.broker(past).dequeueMany("default", 1);
    const fresh = await c.enqueue("alive");
    await h.broker().dequeueMany("default", 1);
    const { srv } = h.server();
    await srv.start(() => {});
    await waitFor("archived", async () => (await stateOf("default", old.id)) === "archived");
    expect((await h.inspector().getTaskInfo("default", old.id)).lastErr).toBe("asynq: task lease expired");
    expect(await stateOf("default", fresh.id)).toBe("active");
  });
});

describe("local lease expiry", () => {
  it("abandons the task without writes when the heartbeater finds its lease expired", async () => {
    const clock = new SimulatedClock(Date.now());
    const errors: unknown[] = [];
    const running = deferred<void>();
    const reason = deferred<unknown>();
    let writes = 0;
    const counting = (b: Broker): Broker =>
      new Proxy(b, {
        get(target, prop, recv) {
          const v = Reflect.get(target, prop, recv) as unknown;
          if (prop === "finalizeMany" && typeof v === "function") {
            return (...args: unknown[]) => {
              writes++;
              return (v as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    const { srv, lines } = h.server(
      { clock, heartbeatInterval: 1000, errorHandler: (_t, e) => void errors.push(e) },
      counting,
    );
    const info = await h.client().enqueue("hold");
    await srv.start(async (_t, ctx) => {
      running.resolve();
      reason.resolve(await aborted(ctx.signal));
    });
    await running.promise;
    clock.advance(31_000);
    expect(isLeaseExpired(await reason.promise)).toBe(true);
    await waitFor("errorHandler called", () => errors.length === 1);
    expect((errors[0] as Error).message).toBe("asynq: task lease expired");
    expect(writes).toBe(0);
    expect(await stateOf("default", info.id)).toBe("active");
    expect(lines.some((l) => l.taskId === info.id && String(l.msg).includes("lease expired"))).toBe(true);
  });
});
