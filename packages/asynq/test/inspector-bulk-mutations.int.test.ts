// Bulk Inspector mutations on 20 000 tasks: Go's end state, reached in bounded script calls (≤ 1 000 ids each).
import { describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { Inspector } from "../src/inspector.js";
import * as keys from "../src/internal/base/keys.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { BULK_BATCH_SIZE } from "../src/internal/rdb/inspect-mutation-support.js";
import { scripts } from "../src/internal/rdb/scripts/index.gen.js";
import { useTestRedis } from "./support/redis.js";
import { many, seed } from "./support/mutation-seed.js";

const t = useTestRedis();
const q = "bulk";
const N = 20_000;
const NOW_S = 1_800_000_000;
const inspector = (): Inspector => new Inspector(t.redis(), { clock: new SimulatedClock(NOW_S * 1000) });

/** The `state` field of every given task, in order. */
async function states(redis: Redis, ids: readonly string[]): Promise<(string | null)[]> {
  const p = redis.pipeline();
  for (const id of ids) p.hget(keys.taskKey(q, id), "state");
  return ((await p.exec()) ?? []).map(([, v]) => v as string | null);
}

/**
 * Runs `fn` while MONITOR (on every primary: one node, or each Cluster master) records this DB's EVALSHA
 * calls of `sha`; returns how many there were.
 */
async function countScriptCalls(sha: string, fn: () => Promise<unknown>): Promise<number> {
  const nodes = await t.primaries();
  const monitors = await Promise.all(nodes.map((n) => n.duplicate().monitor()));
  let calls = 0;
  for (const monitor of monitors) {
    monitor.on("monitor", (_time: string, args: string[], _source: string, db: string) => {
      if (Number(db) === t.db && args[0]?.toLowerCase() === "evalsha" && args[1] === sha) calls++;
    });
  }
  try {
    await fn();
    await Promise.all(nodes.map((n) => n.ping()));
  } finally {
    for (const monitor of monitors) monitor.disconnect();
  }
  return calls;
}

describe(`bulk mutations on ${N} tasks`, () => {
  it("runAllScheduledTasks moves all, oldest first to run, in ⌈N/1000⌉+1 bounded calls", async () => {
    const tasks = many(q, "scheduled", N);
    await seed(t.redis(), tasks);
    let moved = 0;
    const calls = await countScriptCalls(scripts.inspectRunAll.sha, async () => {
      moved = await inspector().runAllScheduledTasks(q);
    });
    expect(moved).toBe(N);
    expect(calls).toBe(N / BULK_BATCH_SIZE + 1);
    const r = t.redis();
    expect(await r.exists(keys.scheduledKey(q))).toBe(0);
    expect(await r.llen(keys.pendingKey(q))).toBe(N);
    // Go LPUSHes in ascending score order, so the lowest score sits at the dequeue (right) end.
    expect(await r.lindex(keys.pendingKey(q), -1)).toBe(tasks[0]!.id);
    expect(await r.lindex(keys.pendingKey(q), 0)).toBe(tasks[N - 1]!.id);
    expect(
      new Set(
        await states(
          r,
          tasks.map((x) => x.id),
        ),
      ),
    ).toEqual(new Set(["pending"]));
  });

  it("archiveAllPendingTasks keeps the same 9 999 survivors as Go's single trim", async () => {
    const pending = many(q, "pending", N);
    const older = many(q, "archived", 500, "old", NOW_S - 3600);
    await seed(t.redis(), [...older, ...pending]);
    expect(await inspector().archiveAllPendingTasks(q)).toBe(N);
    const r = t.redis();
    expect(await r.exists(keys.pendingKey(q))).toBe(0);
    // All got score `now`; ties rank by member bytes, so the 9 999 greatest ids survive and the older go first.
    const survivors = pending.map((x) => x.id).slice(N - 9_999);
    expect(await r.zrange(keys.archivedKey(q), "0", "-1")).toEqual(survivors);
    expect(await r.zscore(keys.archivedKey(q), survivors[0]!)).toBe(String(NOW_S));
    expect(new Set(await states(r, survivors))).toEqual(new Set(["archived"]));
    // Trimmed tasks' hashes are deleted (Go's inspector would leave them as unreachable orphans).
    expect(await r.dbsize()).toBe(9_999 + 2);
  });

  it("deleteAllRetryTasks deletes every task and releases the unique locks", async () => {
    const tasks = many(q, "retry", N).map((x, i) =>
      i % 10 === 0 ? { ...x, uniqueKey: keys.uniqueKey(q, "email:welcome", Buffer.from(x.id)) } : x,
    );
    await seed(t.redis(), tasks);
    expect(await t.redis().dbsize()).toBe(N + N / 10 + 2);
    expect(await inspector().deleteAllRetryTasks(q)).toBe(N);
    expect(await t.redis().keys("*")).toEqual([keys.allQueues]);
  });

  it("deleteAllPendingTasks and runAllAggregatingTasks", async () => {
    const group = many(q, "aggregating", N, "agg").map((x) => ({ ...x, group: "digest" }));
    await seed(t.redis(), [...many(q, "pending", N), ...group]);
    expect(await inspector().deleteAllPendingTasks(q)).toBe(N);
    expect(await t.redis().dbsize()).toBe(N + 3);
    expect(await inspector().runAllAggregatingTasks(q, "digest")).toBe(N);
    const r = t.redis();
    expect(await r.exists(keys.groupKey(q, "digest"), keys.allGroups(q))).toBe(0);
    expect(await r.llen(keys.pendingKey(q))).toBe(N);
  });

  it("deleteQueue(force) removes 20 000 tasks across four states in bounded calls, keeping completed ones", async () => {
    const quarter = N / 4;
    await seed(t.redis(), [
      ...many(q, "pending", quarter, "p"),
      ...many(q, "scheduled", quarter, "s"),
      ...many(q, "retry", quarter, "r"),
      ...many(q, "archived", quarter, "a"),
      ...many(q, "completed", 3, "c"),
    ]);
    const calls = await countScriptCalls(scripts.inspectDeleteQueueForce.sha, () => inspector().deleteQueue(q, true));
    // Each call deletes up to 1 000 hashes; the call that empties the last state also deletes the keys.
    expect(calls).toBe(N / BULK_BATCH_SIZE);
    const left = (await t.redis().keys("*")).sort();
    expect(left).toEqual(
      [keys.completedKey(q), ...["c-00001", "c-00002", "c-00003"].map((id) => keys.taskKey(q, id))].sort(),
    );
  });
});
