// Redis unreachable for 10 s under load: frozen (SIGSTOP: connections open, no answers) or stopped (connections
// refused), then back. Servers log the outage, keep running, resume by themselves, and lose no task.
import { afterEach, describe, expect, it } from "vitest";
import { Inspector } from "../../src/inspector.js";
import { isCorruptEntry } from "../../src/inspector-types.js";
import { drained, sleep, until, unfinished, wallMs } from "./support.js";
import { startAofFleet } from "./fleet.js";
import type { PrivateRedis } from "./private-redis.js";

const Q = "default";
const OUTAGE_MS = 10_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** How Redis becomes unreachable, and how it comes back. */
const outages: { name: string; down(r: PrivateRedis): Promise<void>; up(r: PrivateRedis): Promise<void> }[] = [
  {
    name: "frozen with SIGSTOP",
    down: async (r) => r.freeze(),
    up: async (r) => r.thaw(),
  },
  {
    name: "stopped (SHUTDOWN, AOF kept)",
    down: (r) => r.shutdown(),
    up: (r) => r.launch(),
  },
];

describe("Redis unreachable for 10 s", () => {
  it.each(outages)(
    "$name: servers log the outage, keep running and resume by themselves; no task lost",
    async (outage) => {
      const { redis, admin, executed, logs, servers, producer } = await startAofFleet(cleanups);
      cleanups.push(async () => redis.thaw()); // runs first: a test failing mid-outage must not hang its clean-up

      await sleep(2000);
      const downAt = wallMs();
      await outage.down(redis);
      await sleep(OUTAGE_MS);
      await outage.up(redis);
      const upAt = wallMs();
      const before = executed.size;
      await until("processing after the outage", () => executed.size > before + 10, 30_000);
      const resumedAfterMs = wallMs() - upAt;
      await sleep(1000);
      await producer.stop();

      const acked = producer.acked;
      await until(
        "every acknowledged task executed and the queue drained",
        async () => acked.every((id) => executed.has(id)) && (await drained(admin, Q)),
        40_000,
      );
      const inspector = new Inspector(redis.url);
      cleanups.push(() => inspector.close());
      const info = await inspector.getQueueInfo(Q);
      const duringOutage = logs.map((lines) =>
        lines.filter((l) => l.level >= 50 && l.time >= downAt && l.time <= upAt),
      );
      const firstErrorAfterMs = duringOutage.map((l) => (l[0] ? l[0].time - downAt : null));
      console.log(
        `outage (${outage.name}) figures: ${JSON.stringify({
          acked: acked.length,
          enqueueErrors: producer.failed(),
          executed: executed.size,
          duplicates: [...executed.values()].reduce((s, c) => s + c - 1, 0),
          recovered: info.failedTotal,
          completions: info.processedTotal - info.failedTotal,
          errorLinesDuringOutage: duringOutage.map((l) => l.length),
          firstErrorAfterMs,
          messages: [...new Set(duringOutage.flat().map((l) => l.msg))],
          resumedAfterMs,
        })}`,
      );

      // Each server logged the outage while it lasted, and still runs.
      for (const lines of duringOutage) expect(lines.length).toBeGreaterThan(0);
      expect(servers.map((s) => s.status)).toEqual(["active", "active"]);
      expect((await inspector.servers()).map((s) => (isCorruptEntry(s) ? s.key : s.id)).sort()).toEqual(
        servers.map((s) => s.identity.serverId).sort(),
      );
      // Nothing acknowledged was lost, and everything Redis kept ran to completion.
      expect(acked.filter((id) => !executed.has(id))).toEqual([]);
      expect(await unfinished(admin, Q)).toEqual({ pending: 0, active: 0, retry: 0, scheduled: 0, lease: 0 });
      expect(info).toMatchObject({ size: 0, archived: 0 });
      // Every task that ran was completed (a done each; recoveries count as processed and failed). More completions
      // than ids happen only when a client's enqueue, resent by ioredis after the reconnect, re-created a task id
      // that had already been completed: the enqueue was applied before the restart but its reply was lost.
      expect(info.processedTotal - info.failedTotal).toBeGreaterThanOrEqual(executed.size);
    },
    60_000,
  );
});
