// Dequeue script outputs (spec §6.2): order, lease, hash fields, paused queues, batches equal to repeated
// single dequeues, and the corrupt-record paths (Vigil's fix of quirk Q6).
import { describe, expect, it } from "vitest";
import { msg, seedPending, secondsOf, useBroker, writeHash } from "../../../test/support/broker-fixtures.js";
import { compareDumps } from "../../../test/support/compare-dump.js";
import { dumpRedis } from "../../../test/support/scene.js";
import type { CorruptDequeue, DequeuedTask } from "../base/broker.js";
import * as keys from "../base/keys.js";

const b = useBroker();
const Q = "default";
const task = (r: DequeuedTask | CorruptDequeue | null | undefined): DequeuedTask => {
  if (!r || "corrupt" in r) throw new Error(`expected a task, got ${JSON.stringify(r)}`);
  return r;
};

describe("dequeue", () => {
  it("takes the oldest pending task: active, lease now+30, state active, pending_since removed", async () => {
    const { broker, clock } = b.broker();
    const [m1, m2] = [msg(), msg()];
    await seedPending(b.redis(), m1);
    await seedPending(b.redis(), m2);
    const got = task(await broker.dequeue([Q]));
    expect(got.msg).toEqual(m1);
    expect(got.leaseExpiresAtMs).toBe((secondsOf(clock) + 30) * 1000);
    expect(await b.redis().lrange(keys.pendingKey(Q), 0, -1)).toEqual([m2.id]);
    expect(await b.redis().lrange(keys.activeKey(Q), 0, -1)).toEqual([m1.id]);
    expect(await b.redis().zscore(keys.leaseKey(Q), m1.id)).toBe(String(secondsOf(clock) + 30));
    expect(await b.redis().hget(keys.taskKey(Q, m1.id), "state")).toBe("active");
    expect(await b.redis().hexists(keys.taskKey(Q, m1.id), "pending_since")).toBe(0);
  });

  it("returns null for empty queues and tries queues in the given order", async () => {
    const { broker } = b.broker();
    expect(await broker.dequeue([Q, "low"])).toBeNull();
    const low = msg({ queue: "low" });
    const critical = msg({ queue: "critical" });
    await seedPending(b.redis(), low);
    await seedPending(b.redis(), critical);
    expect(task(await broker.dequeue([Q, "critical", "low"])).msg.id).toBe(critical.id);
    expect(task(await broker.dequeue([Q, "critical", "low"])).msg.id).toBe(low.id);
  });

  it("skips a paused queue without touching it", async () => {
    const { broker } = b.broker();
    const m = msg();
    await seedPending(b.redis(), m);
    await b.redis().set(keys.pausedKey(Q), "1700000000");
    expect(await broker.dequeue([Q])).toBeNull();
    expect(await broker.dequeueMany(Q, 10)).toEqual([]);
    expect(await b.redis().lrange(keys.pendingKey(Q), 0, -1)).toEqual([m.id]);
    expect(await b.redis().exists(keys.activeKey(Q), keys.leaseKey(Q))).toBe(0);
  });

  it("dequeueMany(n) leaves exactly the state of n single dequeues", async () => {
    const tasks = Array.from({ length: 7 }, () => msg());
    const seed = async () => {
      await b.redis().flushdb();
      for (const m of tasks) await seedPending(b.redis(), m);
    };
    const one = b.broker();
    await seed();
    for (let i = 0; i < 5; i++) task(await one.broker.dequeue([Q]));
    const singles = await dumpRedis(b.redis(), one.clock.nowMs());

    const many = b.broker(one.clock);
    await seed();
    const got = await many.broker.dequeueMany(Q, 5);
    expect(got.map((r) => task(r).msg.id)).toEqual(tasks.slice(0, 5).map((m) => m.id));
    const batch = await dumpRedis(b.redis(), one.clock.nowMs());
    expect(compareDumps(batch, singles, { opMs: one.clock.nowMs(), expectedOpMs: one.clock.nowMs() })).toEqual([]);
    expect(await b.redis().lrange(keys.activeKey(Q), 0, -1)).toEqual(
      tasks
        .slice(0, 5)
        .map((m) => m.id)
        .reverse(),
    );
  });

  it("dequeueMany returns what there is when asked for more", async () => {
    const { broker } = b.broker();
    await seedPending(b.redis(), msg());
    await seedPending(b.redis(), msg());
    expect(await broker.dequeueMany(Q, 100)).toHaveLength(2);
    expect(await broker.dequeueMany(Q, 100)).toEqual([]);
  });

  it("reports a pending id without task hash as corrupt and drops it (no stub hash, not stranded)", async () => {
    const { broker } = b.broker();
    const good = msg();
    await b.redis().lpush(keys.pendingKey(Q), "ghost");
    await seedPending(b.redis(), good);
    const got = await broker.dequeueMany(Q, 10);
    expect(got[0]).toEqual({ corrupt: true, queue: Q, id: "ghost", reason: expect.stringContaining("missing") });
    expect(task(got[1]).msg.id).toBe(good.id);
    expect(await b.redis().exists(keys.taskKey(Q, "ghost"))).toBe(0);
    expect(await b.redis().lrange(keys.activeKey(Q), 0, -1)).toEqual([good.id]);
    expect(await b.redis().zrange(keys.leaseKey(Q), "0", "-1")).toEqual([good.id]);
  });

  it("deletes a msg-less stub hash (as Go's Q6 leaves behind) and reports it as corrupt", async () => {
    const { broker } = b.broker();
    await b.redis().hset(keys.taskKey(Q, "stub"), "state", "pending");
    await b.redis().lpush(keys.pendingKey(Q), "stub");
    expect(await broker.dequeue([Q])).toMatchObject({ corrupt: true, id: "stub" });
    expect(await b.redis().exists(keys.taskKey(Q, "stub"), keys.activeKey(Q), keys.leaseKey(Q))).toBe(0);
  });

  it("archives a task whose msg does not decode, keeping its bytes, and reports it as corrupt", async () => {
    const { broker, clock } = b.broker();
    const bad = Buffer.from([0x0a, 0xff, 0xff]);
    await b.redis().hset(keys.taskKey(Q, "bad"), { msg: bad, state: "pending" });
    await b.redis().lpush(keys.pendingKey(Q), "bad");
    expect(await broker.dequeue([Q])).toMatchObject({ corrupt: true, id: "bad", reason: /archived/ });
    expect(await b.redis().zscore(keys.archivedKey(Q), "bad")).toBe(String(secondsOf(clock)));
    expect(await b.redis().hgetBuffer(keys.taskKey(Q, "bad"), "msg")).toEqual(bad);
    expect(await b.redis().hget(keys.taskKey(Q, "bad"), "state")).toBe("archived");
    expect(await b.redis().exists(keys.activeKey(Q), keys.leaseKey(Q))).toBe(0);
  });

  it("returns the stored bytes and decodes headers", async () => {
    const { broker } = b.broker();
    const m = msg({ headers: { a: "1", b: "2" } });
    await writeHash(b.redis(), m, "pending");
    await b.redis().lpush(keys.pendingKey(Q), m.id);
    const got = task(await broker.dequeue([Q]));
    expect(got.msg.headers).toEqual({ a: "1", b: "2" });
    expect(Buffer.from(got.raw)).toEqual(await b.redis().hgetBuffer(keys.taskKey(Q, m.id), "msg"));
  });
});
