// The recoverers' race found by the kill test: two servers list the same expired lease; the first recovers the
// task and a worker takes it again; the second, acting on its stale listing, must not take it from that worker.
import { describe, expect, it } from "vitest";
import { isTaskNotFoundError } from "../../src/errors.js";
import * as keys from "../../src/internal/base/keys.js";
import { msg, secondsOf, seedActive, seedPending, useBroker } from "../support/broker-fixtures.js";

const b = useBroker();
const Q = "default";
const LEASE_EXPIRED = "asynq: task lease expired";

describe("recovery of a lease-expired task is conditional on the lease still being expired", () => {
  it.each(["retry", "archive"] as const)(
    "%s: a stale listing cannot take a task a worker dequeued again; an expired one is recovered",
    async (kind) => {
      const { broker, clock } = b.broker();
      const redis = b.redis();
      const m = msg({ retry: kind === "retry" ? 25 : 0 });
      const guard = { leaseExpiredByMs: clock.nowMs() - 30_000 };
      const recover = (): Promise<void> =>
        kind === "retry"
          ? broker.retry(m, clock.nowMs(), { errorMsg: LEASE_EXPIRED, isFailure: true }, guard)
          : broker.archive(m, LEASE_EXPIRED, guard);

      // The dead worker's lease expired two minutes ago: both recoverers list it.
      await seedActive(redis, m, secondsOf(clock) - 120);
      const listed = await broker.listLeaseExpired([Q], guard.leaseExpiredByMs);
      expect(listed.map((x) => x.id)).toEqual([m.id]);

      // Meanwhile the task went back to pending (another recoverer and the forwarder) and a live worker took it.
      await redis.lrem(keys.activeKey(Q), 0, m.id);
      await redis.zrem(keys.leaseKey(Q), m.id);
      await seedPending(redis, m);
      const [taken] = await broker.dequeueMany(Q, 1);
      expect(taken).toMatchObject({ msg: { id: m.id } });
      const fresh = await redis.zscore(keys.leaseKey(Q), m.id);

      // The second recoverer's write is refused and changes nothing: the live worker keeps its task.
      const err = await recover().then(
        () => null,
        (e: unknown) => e,
      );
      expect(isTaskNotFoundError(err)).toBe(true);
      expect(await redis.hget(keys.taskKey(Q, m.id), "state")).toBe("active");
      expect(await redis.lrange(keys.activeKey(Q), 0, -1)).toEqual([m.id]);
      expect(await redis.zscore(keys.leaseKey(Q), m.id)).toBe(fresh);
      expect(await redis.get(keys.failedTotalKey(Q))).toBeNull();

      // Once that lease has expired as well, the same write recovers the task.
      await redis.zadd(keys.leaseKey(Q), secondsOf(clock) - 60, m.id);
      await recover();
      expect(await redis.hget(keys.taskKey(Q, m.id), "state")).toBe(kind === "retry" ? "retry" : "archived");
      expect(await redis.llen(keys.activeKey(Q))).toBe(0);
      expect(await redis.get(keys.failedTotalKey(Q))).toBe("1");
    },
  );
});
