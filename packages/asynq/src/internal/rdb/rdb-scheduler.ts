// Redis implementation of SchedulerStore: leader lease (Lua), tick claims (SET NX), durable run log (ZSET) and
// last-fire hash. Keys are global (not per queue), so each command stands alone in Redis Cluster.
import type { CronRunRecord, SchedulerStore } from "../base/scheduler-store.js";
import * as keys from "../base/keys.js";
import { decodeSchedulerEnqueueEvent } from "../base/info.js";
import { runScript, replyInt, type RedisConnection } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Newest runs kept per entry in the durable log. */
export const CRON_RUNS_CAP = 1000;
/** How long a tick claim is kept (long enough to cover any replica's clock skew and restarts). */
const CLAIM_TTL_SECONDS = 2 * 24 * 3600;

/** The Redis-backed {@link SchedulerStore}. */
export class RedisSchedulerStore implements SchedulerStore {
  constructor(private readonly redis: RedisConnection) {}

  /** See {@link SchedulerStore.acquireLeadership}. */
  async acquireLeadership(group: string, schedulerId: string, leaseMs: number): Promise<boolean> {
    const r = await runScript(
      this.redis,
      scripts.schedulerLease,
      [keys.schedulerLeaderKey(group)],
      [schedulerId, leaseMs],
    );
    return replyInt(r) === 1;
  }

  /** See {@link SchedulerStore.releaseLeadership}. */
  async releaseLeadership(group: string, schedulerId: string): Promise<void> {
    await runScript(this.redis, scripts.schedulerRelease, [keys.schedulerLeaderKey(group)], [schedulerId]);
  }

  /** See {@link SchedulerStore.claimTick}. */
  async claimTick(entryId: string, tickMs: number, owner: string): Promise<boolean> {
    const r = await this.redis.set(
      keys.cronFireKey(entryId, Math.floor(tickMs / 1000)),
      owner,
      "EX",
      CLAIM_TTL_SECONDS,
      "NX",
    );
    return r === "OK";
  }

  /** See {@link SchedulerStore.tickClaim}. */
  async tickClaim(entryId: string, tickMs: number): Promise<string | null> {
    return this.redis.get(keys.cronFireKey(entryId, Math.floor(tickMs / 1000)));
  }

  /** See {@link SchedulerStore.takeOverTick}. */
  async takeOverTick(entryId: string, tickMs: number, previousOwner: string, owner: string): Promise<boolean> {
    const r = await runScript(
      this.redis,
      scripts.schedulerTakeOverTick,
      [keys.cronFireKey(entryId, Math.floor(tickMs / 1000))],
      [previousOwner, owner, CLAIM_TTL_SECONDS],
    );
    return replyInt(r) === 1;
  }

  /** See {@link SchedulerStore.tickFired}. */
  async tickFired(entryId: string, queue: string, taskId: string): Promise<boolean> {
    if ((await this.redis.exists(keys.taskKey(queue, taskId))) === 1) return true;
    const events = await this.redis.zrangeBuffer(keys.schedulerHistoryKey(entryId), "-50", "-1");
    return events.some((b) => {
      try {
        return decodeSchedulerEnqueueEvent(b).taskId === taskId;
      } catch {
        return false;
      }
    });
  }

  /** See {@link SchedulerStore.recordRun}. */
  async recordRun(entryId: string, run: CronRunRecord): Promise<void> {
    const key = keys.cronRunsKey(entryId);
    await this.redis.zadd(key, run.enqueuedMs, JSON.stringify(run));
    await this.redis.zremrangebyrank(key, 0, -(CRON_RUNS_CAP + 1));
    if (run.tickMs !== null) await this.redis.hset(keys.cronLastFire, entryId, String(run.tickMs));
  }

  /** See {@link SchedulerStore.lastFires}. */
  async lastFires(entryIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (entryIds.length === 0) return out;
    const values = await this.redis.hmget(keys.cronLastFire, ...entryIds);
    entryIds.forEach((id, i) => {
      const v = values[i];
      if (v != null && Number.isFinite(Number(v))) out.set(id, Number(v));
    });
    return out;
  }
}
