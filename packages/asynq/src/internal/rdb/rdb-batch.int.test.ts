// The batched finalize path (finalizeMany / doneMany) must leave exactly the state of the single-task
// finalizers, per task, across queues, including unique locks, counters and per-op errors.
import { describe, expect, it } from "vitest";
import { msg, seedActive, secondsOf, useBroker } from "../../../test/support/broker-fixtures.js";
import { compareDumps } from "../../../test/support/compare-dump.js";
import { dumpRedis } from "../../../test/support/scene.js";
import { isTaskNotFoundError } from "../../errors.js";
import type { FinalizeOp } from "../base/broker.js";
import * as keys from "../base/keys.js";
import type { TaskMessage } from "../base/message.js";
import type { RedisBroker } from "./rdb.js";

const b = useBroker();

function single(broker: RedisBroker, op: FinalizeOp): Promise<void> {
  switch (op.kind) {
    case "done":
      return broker.done(op.msg);
    case "markAsComplete":
      return broker.markAsComplete(op.msg);
    case "retry":
      return broker.retry(op.msg, op.retryAtMs, op.failure);
    case "archive":
      return broker.archive(op.msg, op.errorMsg);
    case "requeue":
      return broker.requeue(op.msg);
  }
}

describe("finalizeMany", () => {
  it("ends in the same state as the single-task finalizers, op by op, over two queues", async () => {
    const first = b.broker();
    const now = first.clock.nowMs();
    const lock = (q: string, s: string) => keys.uniqueKey(q, "email:welcome", Buffer.from(s));
    const tasks: TaskMessage[] = [];
    const ops: FinalizeOp[] = [];
    for (const q of ["default", "critical"]) {
      const m = (f: Partial<TaskMessage> = {}) => {
        const t = msg({ queue: q, ...f });
        tasks.push(t);
        return t;
      };
      ops.push(
        { kind: "done", msg: m() },
        { kind: "done", msg: m({ uniqueKey: lock(q, "u1") }) },
        { kind: "markAsComplete", msg: m({ retention: 600 }) },
        { kind: "markAsComplete", msg: m({ retention: 60, uniqueKey: lock(q, "u2") }) },
        { kind: "retry", msg: m({ retried: 1 }), retryAtMs: now + 20_000, failure: { errorMsg: "r", isFailure: true } },
        { kind: "retry", msg: m(), retryAtMs: now + 5_000, failure: { errorMsg: "soft", isFailure: false } },
        { kind: "archive", msg: m(), errorMsg: "dead" },
        { kind: "requeue", msg: m() },
        { kind: "done", msg: m() },
      );
    }
    const ghost = msg();
    ops.push({ kind: "done", msg: ghost });
    const seed = async () => {
      await b.redis().flushdb();
      for (const t of tasks) {
        await seedActive(b.redis(), t, secondsOf(first.clock) + 30);
        if (t.uniqueKey) await b.redis().set(t.uniqueKey, t.id);
      }
      await b.redis().set(keys.processedTotalKey("critical"), "9223372036854775805");
    };

    await seed();
    const singleErrors: unknown[] = [];
    for (const op of ops)
      singleErrors.push(
        await single(first.broker, op).then(
          () => null,
          (e: unknown) => e,
        ),
      );
    const expected = await dumpRedis(b.redis(), now);

    const second = b.broker(first.clock);
    await seed();
    const results = await second.broker.finalizeMany(ops);
    const actual = await dumpRedis(b.redis(), now);

    expect(compareDumps(actual, expected, { opMs: now, expectedOpMs: now })).toEqual([]);
    expect(results.map((r) => r === null)).toEqual(singleErrors.map((e) => e === null));
    expect(isTaskNotFoundError(results.at(-1))).toBe(true);
    expect(await b.redis().get(keys.processedTotalKey("critical"))).toBe("5"); // wrapped inside the batch
  });

  it("doneMany finalizes hundreds of tasks in one call and counts them once each", async () => {
    const { broker, clock } = b.broker();
    const tasks = Array.from({ length: 600 }, () => msg());
    const pipe = b.redis().pipeline();
    for (const t of tasks) {
      pipe.hset(keys.taskKey("default", t.id), "state", "active", "msg", "x");
      pipe.lpush(keys.activeKey("default"), t.id);
      pipe.zadd(keys.leaseKey("default"), secondsOf(clock) + 30, t.id);
    }
    await pipe.exec();
    const results = await broker.doneMany(tasks);
    expect(results.every((r) => r === null)).toBe(true);
    expect(await b.redis().get(keys.processedTotalKey("default"))).toBe("600");
    expect(await b.redis().dbsize()).toBe(2); // the two processed counters
  });

  it("reports Redis being unreachable as UNAVAILABLE per op instead of throwing", async () => {
    const { broker } = b.broker();
    await broker.redis.quit();
    const results = await broker.doneMany([msg(), msg()]);
    expect(results.map((r) => (r as { code?: string } | null)?.code)).toEqual(["UNAVAILABLE", "UNAVAILABLE"]);
  });
});
