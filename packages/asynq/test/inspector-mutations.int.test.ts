// Inspector mutations beyond the Go fixtures: the quirks Vigil keeps, the places it deliberately differs
// from Go (trimmed hashes deleted, dangling ids dropped, lenient delete, guarded payload update).
import { describe, expect, it } from "vitest";
import { Inspector } from "../src/inspector.js";
import * as keys from "../src/internal/base/keys.js";
import { decodeTaskMessage, encodeTaskMessage } from "../src/internal/base/message.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { runScript } from "../src/internal/rdb/run-script.js";
import { scripts } from "../src/internal/rdb/scripts/index.gen.js";
import { useTestRedis } from "./support/redis.js";
import { many, seed, type MutationSeed } from "./support/mutation-seed.js";

const t = useTestRedis();
const q = "default";
const NOW_S = 1_800_000_000;
const DAY_S = 86_400;
const task = (state: MutationSeed["state"], id: string, extra: Partial<MutationSeed> = {}): MutationSeed => ({
  queue: q,
  id,
  state,
  ...extra,
});
const inspector = (): Inspector => new Inspector(t.redis(), { clock: new SimulatedClock(NOW_S * 1000 + 250) });

describe("single-task mutations", () => {
  it("runTask on an aggregating task keeps its group field and drops the group once empty (quirk Q9)", async () => {
    await seed(t.redis(), [task("aggregating", "a", { group: "g" }), task("aggregating", "b", { group: "g" })]);
    const r = t.redis();
    await inspector().runTask(q, "a");
    expect(await r.sismember(keys.allGroups(q), "g")).toBe(1);
    await inspector().runTask(q, "b");
    expect(await r.exists(keys.allGroups(q), keys.groupKey(q, "g"))).toBe(0);
    expect(await r.lrange(keys.pendingKey(q), 0, -1)).toEqual(["b", "a"]);
    expect(await r.hgetall(keys.taskKey(q, "a"))).toMatchObject({ state: "pending", group: "g" });
    expect(await r.hexists(keys.taskKey(q, "a"), "pending_since")).toBe(0);
  });

  it("archiveTask trims like Go and also deletes the trimmed tasks' hashes", async () => {
    const old = task("archived", "old", { score: NOW_S - 91 * DAY_S });
    const full = many(q, "archived", 9_999, "arch", NOW_S - 10 * DAY_S);
    await seed(t.redis(), [old, ...full, task("pending", "p")]);
    await inspector().archiveTask(q, "p");
    const r = t.redis();
    expect(await r.zcard(keys.archivedKey(q))).toBe(9_999);
    expect(await r.zscore(keys.archivedKey(q), "p")).toBe(String(NOW_S));
    expect(await r.zscore(keys.archivedKey(q), "arch-00001")).toBeNull();
    expect(await r.exists(keys.taskKey(q, "old"), keys.taskKey(q, "arch-00001"))).toBe(0);
    expect(await r.exists(keys.taskKey(q, "arch-00002"))).toBe(1);
    expect(await r.hget(keys.taskKey(q, "p"), "state")).toBe("archived");
  });

  it("deleteTask releases the unique lock only while it holds the task's id", async () => {
    const lockA = keys.uniqueKey(q, "email:welcome", Buffer.from("a"));
    const lockB = keys.uniqueKey(q, "email:welcome", Buffer.from("b"));
    await seed(t.redis(), [task("scheduled", "a", { uniqueKey: lockA }), task("retry", "b", { uniqueKey: lockB })]);
    await t.redis().set(lockB, "someone-else");
    await inspector().deleteTask(q, "a");
    await inspector().deleteTask(q, "b");
    expect(await t.redis().exists(lockA)).toBe(0);
    expect(await t.redis().get(lockB)).toBe("someone-else");
  });

  it("deleteTask removes a task that is not where its state says (Go would refuse)", async () => {
    await seed(t.redis(), [task("scheduled", "a"), task("retry", "keep")]);
    await t.redis().zrem(keys.scheduledKey(q), "a");
    await t.redis().zadd(keys.retryKey(q), String(NOW_S), "a");
    await t.redis().rpush(keys.pendingKey(q), "a");
    await inspector().deleteTask(q, "a");
    expect(await t.redis().exists(keys.taskKey(q, "a"))).toBe(0);
    expect(await t.redis().zrange(keys.retryKey(q), "0", "-1")).toEqual(["keep"]);
    expect(await t.redis().exists(keys.pendingKey(q))).toBe(0);
  });

  it("updateTaskPayload rewrites only the payload inside msg", async () => {
    await seed(t.redis(), [task("scheduled", "s", { group: "g", uniqueKey: keys.uniqueKey(q, "t", null) })]);
    const key = keys.taskKey(q, "s");
    const before = await t.redis().hgetall(key);
    await inspector().updateTaskPayload(q, "s", { locale: "de" });
    const after = await t.redis().hgetallBuffer(key);
    const msg = decodeTaskMessage(after.msg!);
    expect(Buffer.from(msg.payload).toString()).toBe('{"locale":"de"}');
    expect(msg).toMatchObject({ id: "s", queue: q, retry: 25, timeout: 1800, groupKey: "g" });
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after.state!.toString()).toBe("scheduled");
  });

  it("the payload update script refuses to overwrite a message that changed since it was read", async () => {
    await seed(t.redis(), [task("scheduled", "s")]);
    const key = keys.taskKey(q, "s");
    const current = (await t.redis().hgetBuffer(key, "msg"))!;
    const stale = encodeTaskMessage({ ...decodeTaskMessage(current), retried: 7 });
    const next = encodeTaskMessage({ ...decodeTaskMessage(current), payload: Buffer.from("x") });
    expect(await runScript(t.redis(), scripts.inspectUpdateTaskPayload, [key], [next, stale])).toBe(-2);
    expect((await t.redis().hgetBuffer(key, "msg"))!.equals(current)).toBe(true);
  });
});

describe("queue mutations", () => {
  it("pauseQueue / unpauseQueue work on a queue not in asynq:queues (as Go)", async () => {
    await inspector().pauseQueue("later");
    expect(await t.redis().get(keys.pausedKey("later"))).toBe(String(NOW_S));
    await inspector().unpauseQueue("later");
    expect(await t.redis().exists(keys.pausedKey("later"))).toBe(0);
  });

  it("deleteQueue ignores completed and aggregating tasks, and force leaves them behind (as Go)", async () => {
    const lock = keys.uniqueKey(q, "email:welcome", Buffer.from("p"));
    await seed(t.redis(), [
      task("completed", "c"),
      task("aggregating", "g1", { group: "g" }),
      task("pending", "p", { uniqueKey: lock }),
      task("retry", "r"),
    ]);
    await t.redis().set(keys.pausedKey(q), "1");
    await inspector().deleteQueue(q, true);
    const r = t.redis();
    expect(await r.sismember(keys.allQueues, q)).toBe(0);
    expect(await r.exists(keys.taskKey(q, "p"), keys.taskKey(q, "r"), keys.pendingKey(q), keys.retryKey(q))).toBe(0);
    expect(await r.exists(keys.taskKey(q, "c"), keys.taskKey(q, "g1"), keys.completedKey(q), lock)).toBe(4);
    expect(await r.exists(keys.groupKey(q, "g"), keys.allGroups(q), keys.pausedKey(q))).toBe(3);

    await r.sadd(keys.allQueues, q);
    await inspector().deleteQueue(q, false);
    expect(await r.sismember(keys.allQueues, q)).toBe(0);
  });

  it("cancelProcessing publishes even when no server listens", async () => {
    await expect(inspector().cancelProcessing("some-id")).resolves.toBeUndefined();
  });
});

describe("bulk mutations", () => {
  it("runAll drops ids whose task hash is missing instead of creating stub tasks", async () => {
    await seed(t.redis(), [task("scheduled", "a"), task("scheduled", "b")]);
    await t.redis().zadd(keys.scheduledKey(q), String(NOW_S), "ghost");
    expect(await inspector().runAllScheduledTasks(q)).toBe(2);
    expect(await t.redis().exists(keys.taskKey(q, "ghost"), keys.scheduledKey(q))).toBe(0);
    expect(await t.redis().lrange(keys.pendingKey(q), 0, -1)).toEqual(["b", "a"]);
  });

  it("deleteAll releases unique locks for scheduled/retry/archived/completed, not for pending/aggregating", async () => {
    const lock = (id: string): string => keys.uniqueKey(q, "email:welcome", Buffer.from(id));
    const states = ["pending", "scheduled", "retry", "archived", "completed", "aggregating"] as const;
    await seed(
      t.redis(),
      states.map((s) => task(s, s, { uniqueKey: lock(s), ...(s === "aggregating" ? { group: "g" } : {}) })),
    );
    const i = inspector();
    const counts = [
      await i.deleteAllPendingTasks(q),
      await i.deleteAllScheduledTasks(q),
      await i.deleteAllRetryTasks(q),
      await i.deleteAllArchivedTasks(q),
      await i.deleteAllCompletedTasks(q),
      await i.deleteAllAggregatingTasks(q, "g"),
    ];
    expect(counts).toEqual([1, 1, 1, 1, 1, 1]);
    const left = await Promise.all(states.map(async (s) => [s, await t.redis().exists(lock(s))]));
    expect(Object.fromEntries(left)).toEqual({
      pending: 1,
      scheduled: 0,
      retry: 0,
      archived: 0,
      completed: 0,
      aggregating: 1,
    });
    expect(await t.redis().exists(keys.allGroups(q))).toBe(0);
  });

  it("archiveAllAggregatingTasks archives the group and drops it from the groups set", async () => {
    await seed(t.redis(), [
      task("aggregating", "a", { group: "g" }),
      task("aggregating", "b", { group: "g" }),
      task("aggregating", "c", { group: "h" }),
    ]);
    expect(await inspector().archiveAllAggregatingTasks(q, "g")).toBe(2);
    expect(await t.redis().smembers(keys.allGroups(q))).toEqual(["h"]);
    expect(await t.redis().zrange(keys.archivedKey(q), "0", "-1")).toEqual(["a", "b"]);
  });

  it("bulk operations on empty states return 0 and write nothing", async () => {
    await seed(t.redis(), [task("completed", "c")]);
    const i = inspector();
    expect(await i.runAllRetryTasks(q)).toBe(0);
    expect(await i.archiveAllScheduledTasks(q)).toBe(0);
    expect(await i.deleteAllArchivedTasks(q)).toBe(0);
    expect(await i.runAllAggregatingTasks(q, "none")).toBe(0);
    expect((await t.redis().keys("*")).sort()).toEqual([keys.allQueues, keys.completedKey(q), keys.taskKey(q, "c")]);
  });
});
