// Finalizer script outputs (spec §6.4, §10.1, §12): end states, NOT FOUND / INTERNAL as typed errors,
// unique-lock release, daily counter TTL only on the first INCR, and the MAXI64 wrap of the totals.
import { describe, expect, it } from "vitest";
import { msg, seedActive, seedZset, secondsOf, useBroker, writeHash } from "../../../test/support/broker-fixtures.js";
import { isTaskNotFoundError } from "../../errors.js";
import * as keys from "../base/keys.js";
import { decodeTaskMessage, type TaskMessage } from "../base/message.js";
import { utcDate } from "../clock.js";
import { isAsynqError } from "../errors.js";
import { MAXI64 } from "./rdb-support.js";

const b = useBroker();
const Q = "default";
const DAY_S = 86_400;

async function storedMsg(m: TaskMessage): Promise<TaskMessage> {
  return decodeTaskMessage((await b.redis().hgetBuffer(keys.taskKey(Q, m.id), "msg"))!);
}

describe("finalizers", () => {
  it("done deletes the task, counts processed with a 90-day EXPIREAT on the daily key", async () => {
    const { broker, clock } = b.broker();
    const m = msg();
    await seedActive(b.redis(), m, secondsOf(clock) + 30);
    await broker.done(m);
    const day = keys.processedKey(Q, utcDate(clock.nowMs()));
    expect(await b.redis().exists(keys.taskKey(Q, m.id), keys.activeKey(Q), keys.leaseKey(Q))).toBe(0);
    expect(await b.redis().mget(day, keys.processedTotalKey(Q))).toEqual(["1", "1"]);
    expect(await b.redis().expiretime(day)).toBe(secondsOf(clock) + 90 * DAY_S);
    expect(await b.redis().ttl(keys.processedTotalKey(Q))).toBe(-1);
  });

  it("sets the daily TTL only when INCR returns 1 (an existing counter keeps its TTL)", async () => {
    const { broker, clock } = b.broker();
    const day = keys.processedKey(Q, utcDate(clock.nowMs()));
    const failedDay = keys.failedKey(Q, utcDate(clock.nowMs()));
    await b.redis().set(day, "5", "EX", 1000);
    await b.redis().set(failedDay, "2", "EX", 1000);
    const [m1, m2, m3] = [msg(), msg(), msg()];
    for (const m of [m1, m2, m3]) await seedActive(b.redis(), m, secondsOf(clock) + 30);
    await broker.done(m1!);
    await broker.retry(m2!, clock.nowMs() + 60_000, { errorMsg: "x", isFailure: true });
    expect(await broker.doneMany([m3!])).toEqual([null]);
    expect(await b.redis().mget(day, failedDay)).toEqual(["8", "3"]);
    expect(await b.redis().ttl(day)).toBeLessThanOrEqual(1000);
    expect(await b.redis().ttl(failedDay)).toBeLessThanOrEqual(1000);
  });

  it("wraps the processed total at MAXI64 (done, batch) and both totals on failures", async () => {
    const { broker, clock } = b.broker();
    const lease = secondsOf(clock) + 30;
    const tasks = Array.from({ length: 5 }, () => msg());
    for (const m of tasks) await seedActive(b.redis(), m, lease);
    await b.redis().set(keys.processedTotalKey(Q), MAXI64);
    await broker.done(tasks[0]!);
    expect(await b.redis().get(keys.processedTotalKey(Q))).toBe("1");

    await b.redis().set(keys.processedTotalKey(Q), "9223372036854775806");
    expect(await broker.doneMany(tasks.slice(1, 4))).toEqual([null, null, null]);
    expect(await b.redis().get(keys.processedTotalKey(Q))).toBe("2"); // …806 → …807 → 1 → 2

    await b.redis().set(keys.processedTotalKey(Q), MAXI64);
    await b.redis().set(keys.failedTotalKey(Q), "41");
    await broker.archive(tasks[4]!, "boom");
    expect(await b.redis().mget(keys.processedTotalKey(Q), keys.failedTotalKey(Q))).toEqual(["1", "1"]);
  });

  it("done releases the unique lock only while it holds the task id", async () => {
    const { broker, clock } = b.broker();
    const mine = msg({ uniqueKey: keys.uniqueKey(Q, "email:welcome", Buffer.from("a")) });
    const other = msg({ uniqueKey: keys.uniqueKey(Q, "email:welcome", Buffer.from("b")) });
    await seedActive(b.redis(), mine, secondsOf(clock) + 30);
    await seedActive(b.redis(), other, secondsOf(clock) + 30);
    await b.redis().set(mine.uniqueKey, mine.id);
    await b.redis().set(other.uniqueKey, "someone-else");
    await broker.done(mine);
    await broker.done(other);
    expect(await b.redis().exists(mine.uniqueKey)).toBe(0);
    expect(await b.redis().get(other.uniqueKey)).toBe("someone-else");
  });

  it("markAsComplete keeps the hash (result too) with completed_at, score now + retention, and drops the lock", async () => {
    const { broker, clock } = b.broker();
    const m = msg({ retention: 3600, uniqueKey: keys.uniqueKey(Q, "t", null) });
    await seedActive(b.redis(), m, secondsOf(clock) + 30);
    await b.redis().hset(keys.taskKey(Q, m.id), "result", "r");
    await b.redis().set(m.uniqueKey, m.id);
    await broker.markAsComplete(m);
    expect(await b.redis().zscore(keys.completedKey(Q), m.id)).toBe(String(secondsOf(clock) + 3600));
    expect(await b.redis().hmget(keys.taskKey(Q, m.id), "state", "result")).toEqual(["completed", "r"]);
    expect(await storedMsg(m)).toEqual({ ...m, completedAt: secondsOf(clock) });
    expect(await b.redis().exists(m.uniqueKey)).toBe(0);
  });

  it("retry rewrites the message; a non-failure keeps retried and moves no counter", async () => {
    const { broker, clock } = b.broker();
    const [fail, soft] = [msg({ retried: 2 }), msg({ retried: 2 })];
    await seedActive(b.redis(), fail, secondsOf(clock) + 30);
    await seedActive(b.redis(), soft, secondsOf(clock) + 30);
    await broker.retry(fail, clock.nowMs() + 45_500, { errorMsg: "e1", isFailure: true });
    expect(await b.redis().mget(keys.processedTotalKey(Q), keys.failedTotalKey(Q))).toEqual(["1", "1"]);
    await broker.retry(soft, clock.nowMs() + 10_000, { errorMsg: "e2", isFailure: false });
    expect(await b.redis().mget(keys.processedTotalKey(Q), keys.failedTotalKey(Q))).toEqual(["1", "1"]);
    const now = secondsOf(clock);
    expect(await storedMsg(fail)).toEqual({ ...fail, retried: 3, errorMsg: "e1", lastFailedAt: now });
    expect(await storedMsg(soft)).toEqual({ ...soft, retried: 2, errorMsg: "e2", lastFailedAt: now });
    expect(await b.redis().zscore(keys.retryKey(Q), fail.id)).toBe(String(now + 45));
    expect(await b.redis().hget(keys.taskKey(Q, fail.id), "state")).toBe("retry");
  });

  it("archive trims entries older than 90 days and all but the newest 9 999, deleting their hashes", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    const old = msg();
    await seedZset(b.redis(), old, "archived", now - 91 * DAY_S);
    const filler = Array.from({ length: 10_000 }, (_, i) => `f${i}`);
    const pipe = b.redis().pipeline();
    filler.forEach((id, i) => {
      pipe.zadd(keys.archivedKey(Q), now - 1000 + i / 100, id);
      pipe.hset(keys.taskKey(Q, id), "state", "archived");
    });
    await pipe.exec();
    const m = msg();
    await seedActive(b.redis(), m, now + 30);
    await broker.archive(m, "gave up");
    expect(await b.redis().exists(keys.taskKey(Q, old.id))).toBe(0);
    expect(await b.redis().zcard(keys.archivedKey(Q))).toBe(9_999);
    // The newest 9 998 fillers plus the task itself remain; the two oldest fillers went with their hashes.
    expect(await b.redis().exists(keys.taskKey(Q, "f0"), keys.taskKey(Q, "f1"))).toBe(0);
    expect(await b.redis().exists(keys.taskKey(Q, "f2"))).toBe(1);
    expect(await b.redis().zscore(keys.archivedKey(Q), m.id)).toBe(String(now));
    expect(await storedMsg(m)).toEqual({ ...m, errorMsg: "gave up", lastFailedAt: now });
    expect(await b.redis().hget(keys.taskKey(Q, m.id), "state")).toBe("archived");
  });

  it("requeue puts the task at the head of pending without pending_since", async () => {
    const { broker, clock } = b.broker();
    const m = msg();
    await seedActive(b.redis(), m, secondsOf(clock) + 30);
    await b.redis().lpush(keys.pendingKey(Q), "older");
    await broker.requeue(m);
    expect(await b.redis().lrange(keys.pendingKey(Q), 0, -1)).toEqual(["older", m.id]);
    expect(await b.redis().hgetall(keys.taskKey(Q, m.id))).toMatchObject({ state: "pending" });
    expect(await b.redis().hexists(keys.taskKey(Q, m.id), "pending_since")).toBe(0);
  });
});

describe("finalizer NOT FOUND / INTERNAL replies", () => {
  const notFound = (e: unknown) => isTaskNotFoundError(e) && e.code === "NOT_FOUND";

  it.each(["done", "markAsComplete", "retry", "archive", "requeue"] as const)(
    "%s of a task that is not active throws TaskNotFoundError and writes nothing",
    async (kind) => {
      const { broker, clock } = b.broker();
      const m = msg({ retention: 60 });
      await writeHash(b.redis(), m, "pending");
      const run = {
        done: () => broker.done(m),
        markAsComplete: () => broker.markAsComplete(m),
        retry: () => broker.retry(m, clock.nowMs(), { errorMsg: "x", isFailure: true }),
        archive: () => broker.archive(m, "x"),
        requeue: () => broker.requeue(m),
      }[kind];
      await expect(run()).rejects.toSatisfy(notFound);
      expect(await b.redis().keys("*")).toEqual([keys.taskKey(Q, m.id)]);
      const [batch] = await broker.finalizeMany([
        kind === "retry"
          ? { kind, msg: m, retryAtMs: 0, failure: { errorMsg: "x", isFailure: true } }
          : kind === "archive"
            ? { kind, msg: m, errorMsg: "x" }
            : { kind, msg: m },
      ]);
      expect(notFound(batch)).toBe(true);
    },
  );

  it("done without a lease leaves it out of active (as Go) and throws TaskNotFoundError", async () => {
    const { broker } = b.broker();
    const m = msg();
    await writeHash(b.redis(), m, "active");
    await b.redis().lpush(keys.activeKey(Q), m.id);
    await expect(broker.done(m)).rejects.toSatisfy(notFound);
    expect(await b.redis().exists(keys.activeKey(Q))).toBe(0);
    expect(await b.redis().exists(keys.taskKey(Q, m.id))).toBe(1);
  });

  it("done without a task hash throws TaskNotFoundError after removing active and lease", async () => {
    const { broker, clock } = b.broker();
    const m = msg();
    await b.redis().lpush(keys.activeKey(Q), m.id);
    await b.redis().zadd(keys.leaseKey(Q), secondsOf(clock) + 30, m.id);
    await expect(broker.done(m)).rejects.toSatisfy(notFound);
    expect(await broker.doneMany([m])).toEqual([expect.objectContaining({ code: "NOT_FOUND" })]);
    expect(await b.redis().keys("*")).toEqual([]);
  });

  it("markAsComplete of an id already in completed is INTERNAL", async () => {
    const { broker, clock } = b.broker();
    const m = msg({ retention: 60 });
    await seedActive(b.redis(), m, secondsOf(clock) + 30);
    await b.redis().zadd(keys.completedKey(Q), 1, m.id);
    const err = await broker.markAsComplete(m).catch((e: unknown) => e);
    expect(isAsynqError(err) && err.code).toBe("INTERNAL");
  });
});
