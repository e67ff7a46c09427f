// Forwarder, recoverer listing, aggregation-set reclaim and janitor script outputs (spec §6.8-§6.10, §11.4).
import { describe, expect, it } from "vitest";
import { msg, seedActive, seedZset, secondsOf, useBroker } from "../../../test/support/broker-fixtures.js";
import * as keys from "../base/keys.js";
import { unixNanos } from "../clock.js";

const b = useBroker();
const Q = "default";

describe("forward", () => {
  it("moves due scheduled and retry tasks to pending with pending_since; future ones stay", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    const [due, retryDue, later] = [msg(), msg(), msg()];
    await seedZset(b.redis(), due, "scheduled", now);
    await seedZset(b.redis(), retryDue, "retry", now - 10);
    await seedZset(b.redis(), later, "scheduled", now + 1);
    expect(await broker.forward(Q)).toBe(2);
    expect(await b.redis().lrange(keys.pendingKey(Q), 0, -1)).toEqual([retryDue.id, due.id]);
    expect(await b.redis().hmget(keys.taskKey(Q, due.id), "state", "pending_since")).toEqual([
      "pending",
      String(unixNanos(clock)),
    ]);
    expect(await b.redis().zrange(keys.scheduledKey(Q), "0", "-1")).toEqual([later.id]);
    expect(await b.redis().exists(keys.retryKey(Q))).toBe(0);
  });

  it("puts a task whose hash has a group back into the group zset, without touching the groups set (Q9)", async () => {
    const { broker, clock } = b.broker();
    const m = msg();
    await seedZset(b.redis(), m, "retry", secondsOf(clock) - 1, { group: "g:1" });
    expect(await broker.forward(Q)).toBe(1);
    expect(await b.redis().zscore(keys.groupKey(Q, "g:1"), m.id)).toBe(String(secondsOf(clock)));
    expect(await b.redis().hget(keys.taskKey(Q, m.id), "state")).toBe("aggregating");
    expect(await b.redis().exists(keys.pendingKey(Q), keys.allGroups(Q))).toBe(0);
  });

  it("drops a due id whose task hash is missing instead of creating a stub", async () => {
    const { broker, clock } = b.broker();
    await b.redis().zadd(keys.scheduledKey(Q), secondsOf(clock), "ghost");
    expect(await broker.forward(Q)).toBe(1);
    expect(await b.redis().dbsize()).toBe(0);
  });

  it("loops over batches of 100 until everything due moved", async () => {
    const { broker, clock } = b.broker();
    const pipe = b.redis().pipeline();
    for (let i = 0; i < 250; i++) {
      pipe.hset(keys.taskKey(Q, `t${i}`), "state", "scheduled", "msg", "x");
      pipe.zadd(keys.scheduledKey(Q), secondsOf(clock) - 5, `t${i}`);
    }
    await pipe.exec();
    expect(await broker.forward(Q)).toBe(250);
    expect(await b.redis().llen(keys.pendingKey(Q))).toBe(250);
  });
});

describe("listLeaseExpired", () => {
  it("returns messages whose lease expired at or before the cutoff, over several queues", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    const [a, edge, fresh, other] = [msg(), msg(), msg(), msg({ queue: "low" })];
    await seedActive(b.redis(), a, now - 100);
    await seedActive(b.redis(), edge, now - 30);
    await seedActive(b.redis(), fresh, now - 29);
    await seedActive(b.redis(), other, now - 31);
    const got = await broker.listLeaseExpired([Q, "low"], now * 1000 - 30_000);
    expect(got.map((m) => m.id).sort()).toEqual([a.id, edge.id, other.id].sort());
    expect(await b.redis().zcard(keys.leaseKey(Q))).toBe(3); // listing does not change leases
  });

  it("skips expired ids without hash or msg and cleans them out of active and lease", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    await b.redis().lpush(keys.activeKey(Q), "ghost", "stub");
    await b.redis().zadd(keys.leaseKey(Q), now - 100, "ghost", now - 100, "stub");
    await b.redis().hset(keys.taskKey(Q, "stub"), "state", "active");
    expect(await broker.listLeaseExpired([Q], now * 1000 - 30_000)).toEqual([]);
    expect(await b.redis().dbsize()).toBe(0);
  });

  it("archives an expired task whose msg does not decode instead of returning it", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    await b.redis().hset(keys.taskKey(Q, "bad"), { msg: Buffer.from([0x0a, 0xff]), state: "active" });
    await b.redis().lpush(keys.activeKey(Q), "bad");
    await b.redis().zadd(keys.leaseKey(Q), now - 100, "bad");
    expect(await broker.listLeaseExpired([Q], now * 1000 - 30_000)).toEqual([]);
    expect(await b.redis().zscore(keys.archivedKey(Q), "bad")).toBe(String(now));
  });
});

describe("reclaimStaleAggregationSets", () => {
  it("moves members of sets past their deadline back into the group with their scores; groups set untouched", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    const stale = keys.aggregationSetKey(Q, "digest:user:42", "11111111-1111-4111-8111-111111111111");
    const live = keys.aggregationSetKey(Q, "digest:user:42", "22222222-2222-4222-8222-222222222222");
    await b.redis().zadd(stale, 100, "a", 200, "b");
    await b.redis().zadd(live, 300, "c");
    await b.redis().zadd(keys.allAggregationSets(Q), now, stale, now + 1, live);
    await broker.reclaimStaleAggregationSets(Q);
    expect(await b.redis().zrange(keys.groupKey(Q, "digest:user:42"), "0", "-1", "WITHSCORES")).toEqual([
      "a",
      "100",
      "b",
      "200",
    ]);
    expect(await b.redis().exists(stale, keys.allGroups(Q))).toBe(0);
    expect(await b.redis().zrange(keys.allAggregationSets(Q), "0", "-1")).toEqual([live]);
  });
});

describe("deleteExpiredCompletedTasks", () => {
  it("deletes at most a batch of expired completed tasks and their hashes", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    const expired = Array.from({ length: 3 }, () => msg());
    for (const m of expired) await seedZset(b.redis(), m, "completed", now);
    const kept = msg();
    await seedZset(b.redis(), kept, "completed", now + 1);
    expect(await broker.deleteExpiredCompletedTasks(Q, 2)).toBe(2);
    expect(await broker.deleteExpiredCompletedTasks(Q, 2)).toBe(1);
    expect(await broker.deleteExpiredCompletedTasks(Q, 2)).toBe(0);
    expect(await b.redis().zrange(keys.completedKey(Q), "0", "-1")).toEqual([kept.id]);
    for (const m of expired) expect(await b.redis().exists(keys.taskKey(Q, m.id))).toBe(0);
  });
});
