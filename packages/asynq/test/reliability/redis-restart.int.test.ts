// Redis restarted under load (AOF on, appendfsync always): a clean SHUTDOWN and a SIGKILL crash, each followed by
// a start on the same port and dir. Every acknowledged enqueue is processed; servers reconnect by themselves.
import { afterEach, describe, expect, it } from "vitest";
import { Inspector } from "../../src/inspector.js";
import { isCorruptEntry } from "../../src/inspector-types.js";
import { drained, sleep, until, unfinished } from "./support.js";
import { startAofFleet } from "./fleet.js";

const Q = "default";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("Redis restarted mid-run (AOF, appendfsync always)", () => {
  it("loses no acknowledged task across a SHUTDOWN and a crash; servers reconnect by themselves", async () => {
    const { redis, admin, executed, logs, servers, producer } = await startAofFleet(cleanups);

    const restarts: { how: string; downMs: number; resumedAfterMs: number }[] = [];
    const restart = async (how: "shutdown" | "crash"): Promise<void> => {
      await sleep(2000);
      const down = performance.now();
      if (how === "shutdown") await redis.shutdown();
      else await redis.crash();
      await sleep(1000);
      await redis.launch();
      const up = performance.now();
      const before = executed.size;
      await until(`processing after the ${how}`, () => executed.size > before + 10, 30_000);
      restarts.push({ how, downMs: Math.round(up - down), resumedAfterMs: Math.round(performance.now() - up) });
    };
    await restart("shutdown");
    await restart("crash");
    await sleep(1000);
    await producer.stop();

    const drainStart = performance.now();
    const acked = producer.acked;
    await until(
      "every acknowledged task executed and the queue drained",
      async () => acked.every((id) => executed.has(id)) && (await drained(admin, Q)),
      40_000,
    );
    const drainMs = performance.now() - drainStart;

    const inspector = new Inspector(redis.url);
    cleanups.push(() => inspector.close());
    const info = await inspector.getQueueInfo(Q);
    const duplicates = [...executed.values()].reduce((s, c) => s + c - 1, 0);
    const errorLines = logs.map((l) => l.filter((x) => x.level >= 50).length);
    console.log(
      `redis restart figures: ${JSON.stringify({
        acked: acked.length,
        enqueueErrors: producer.failed(),
        executed: executed.size,
        duplicates,
        recovered: info.failedTotal,
        completions: info.processedTotal - info.failedTotal,
        restarts,
        serverErrorLines: errorLines,
        drainS: +(drainMs / 1000).toFixed(1),
      })}`,
    );

    // Nothing acknowledged was lost, and everything Redis kept ran to completion.
    expect(acked.length).toBeGreaterThan(500);
    expect(acked.filter((id) => !executed.has(id))).toEqual([]);
    expect(await unfinished(admin, Q)).toEqual({ pending: 0, active: 0, retry: 0, scheduled: 0, lease: 0 });
    expect(info).toMatchObject({ size: 0, archived: 0 });
    // Every task that ran was completed (a done each; recoveries count as processed and failed). More completions
    // than ids happen only when a client's enqueue, resent by ioredis after the reconnect, re-created a task id
    // that had already been completed: the enqueue was applied before the restart but its reply was lost.
    expect(info.processedTotal - info.failedTotal).toBeGreaterThanOrEqual(executed.size);
    // The servers never stopped and are still heartbeating.
    expect(servers.map((s) => s.status)).toEqual(["active", "active"]);
    expect((await inspector.servers()).map((s) => (isCorruptEntry(s) ? s.key : s.id)).sort()).toEqual(
      servers.map((s) => s.identity.serverId).sort(),
    );
  }, 90_000);
});
