// RedisBroker: the Broker of the worker side on Redis, speaking asynq's wire protocol (spec §6-§11) plus
// Vigil's batch and instant-pickup additions. Each operation lives in a rdb-*.ts helper; this class wires them.
import type {
  AggregationCriteria,
  Broker,
  CorruptDequeue,
  DequeuedTask,
  FailureRecord,
  FinalizeOp,
  Heartbeat,
  RecoveryGuard,
} from "../base/broker.js";
import type { SchedulerEnqueueEventRecord, SchedulerEntryRecord } from "../base/info.js";
import type {
  DeferItem,
  RateLimitSpec,
  RunEntry,
  RunHistoryRetention,
  TaskLogBatch,
  TaskLogRetention,
} from "../base/extras.js";
import * as keys from "../base/keys.js";
import type { TaskMessage } from "../base/message.js";
import { systemClock, type Clock } from "../clock.js";
import * as aggregation from "./rdb-aggregation.js";
import { dequeueFrom } from "./rdb-dequeue.js";
import {
  archiveCall,
  doneCall,
  finalizeMany,
  markAsCompleteCall,
  recordRuns,
  requeueCall,
  retryCall,
} from "./rdb-finalize.js";
import * as heartbeat from "./rdb-heartbeat.js";
import * as maintenance from "./rdb-maintenance.js";
import * as extras from "./rdb-extras.js";
import * as rateLimit from "./rdb-rate-limit.js";
import { PubSub, WakeWaiter } from "./rdb-pubsub.js";
import { checkFinalizeReply, finalizeFailure, redisFailure, wrap, type RdbContext } from "./rdb-support.js";
import { runScript, type RedisConnection, type ScriptCall } from "./run-script.js";

/** Options of {@link RedisBroker}. */
export interface RedisBrokerOptions {
  /** Source of "now". @defaultValue the system clock */
  clock?: Clock;
  /** Whether {@link RedisBroker.close} also closes `redis` (true when the broker's owner opened it). @defaultValue false */
  ownsConnection?: boolean;
  /** Receives errors of the subscriber connection (it reconnects and re-subscribes by itself). */
  onSubscriberError?: (e: Error) => void;
}

/** The Redis-backed {@link Broker}. Only public constructors (Server, Scheduler) create one. */
export class RedisBroker implements Broker {
  private readonly ctx: RdbContext;
  private readonly owns: boolean;
  private readonly pubsub: PubSub;
  private readonly wakes: WakeWaiter;

  /** Uses `redis` for commands and a duplicate of it, opened on first use, for subscriptions. */
  constructor(redis: RedisConnection, options: RedisBrokerOptions = {}) {
    this.ctx = { redis, clock: options.clock ?? systemClock };
    this.owns = options.ownsConnection ?? false;
    this.pubsub = new PubSub(redis, options.onSubscriberError);
    this.wakes = new WakeWaiter(this.pubsub);
  }

  /** The command connection. */
  get redis(): RedisConnection {
    return this.ctx.redis;
  }

  /** Tries each queue in order; the first task taken (or corrupt record met) wins; null when all are empty. */
  async dequeue(queues: readonly string[], leaseSeconds?: number): Promise<DequeuedTask | CorruptDequeue | null> {
    for (const q of queues) {
      const [first] = await dequeueFrom(this.ctx, q, 1, leaseSeconds);
      if (first) return first;
    }
    return null;
  }

  /** Up to `max` tasks of `queue` in one script call (at most 500), each as {@link RedisBroker.dequeue} would. */
  dequeueMany(queue: string, max: number, leaseSeconds?: number): Promise<Array<DequeuedTask | CorruptDequeue>> {
    return dequeueFrom(this.ctx, queue, max, leaseSeconds);
  }

  private async finalize(op: string, msg: TaskMessage, call: ScriptCall): Promise<void> {
    let reply;
    try {
      reply = await runScript(this.ctx.redis, call.script, call.keys, call.args);
    } catch (e) {
      throw finalizeFailure(op, msg.queue, msg.id, e);
    }
    checkFinalizeReply(op, msg.queue, msg.id, reply);
  }

  /** Done (§6.4.1); throws TaskNotFoundError when the task is not active under a lease. */
  done(msg: TaskMessage): Promise<void> {
    return this.finalize("broker.done", msg, doneCall(msg, this.ctx.clock.nowMs()));
  }

  /** Mark as complete (§6.4.2); throws TaskNotFoundError / INTERNAL AsynqError on the script's errors. */
  markAsComplete(msg: TaskMessage): Promise<void> {
    return this.finalize("broker.markAsComplete", msg, markAsCompleteCall(msg, this.ctx.clock.nowMs()));
  }

  /** Retry (§6.4.3) at `retryAtMs` (stored as whole seconds). */
  retry(msg: TaskMessage, retryAtMs: number, failure: FailureRecord, guard?: RecoveryGuard): Promise<void> {
    const now = this.ctx.clock.nowMs();
    const call = retryCall(msg, retryAtMs, failure.errorMsg, failure.isFailure, now, guard?.leaseExpiredByMs);
    return this.finalize("broker.retry", msg, call);
  }

  /** Archive (§6.4.4) with age/size trimming that deletes trimmed task hashes. */
  archive(msg: TaskMessage, errorMsg: string, guard?: RecoveryGuard): Promise<void> {
    const call = archiveCall(msg, errorMsg, this.ctx.clock.nowMs(), undefined, guard?.leaseExpiredByMs);
    return this.finalize("broker.archive", msg, call);
  }

  /** Appends run records outside a finalization (see Broker.recordRuns): one succeed-many call with no items. */
  async recordRuns(queue: string, entries: readonly RunEntry[], keep: RunHistoryRetention): Promise<void> {
    if (entries.length === 0) return;
    try {
      await recordRuns(this.ctx, queue, entries, keep);
    } catch (e) {
      throw redisFailure("broker.recordRuns", e);
    }
  }

  /** Requeue (§6.4.5): back to the head of pending. */
  requeue(msg: TaskMessage): Promise<void> {
    return this.finalize("broker.requeue", msg, requeueCall(msg));
  }

  /** Many finalizations in one round trip per queue; null or the typed error per op. */
  finalizeMany(ops: readonly FinalizeOp[]): Promise<Array<Error | null>> {
    return finalizeMany(this.ctx, ops);
  }

  /** {@link RedisBroker.finalizeMany} with a done op per message. */
  doneMany(msgs: readonly TaskMessage[]): Promise<Array<Error | null>> {
    return finalizeMany(
      this.ctx,
      msgs.map((msg) => ({ kind: "done", msg })),
    );
  }

  /** Resolves true on a wake-up for one of `queues` (see Broker.waitForWork). */
  waitForWork(queues: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.wakes.wait(queues, timeoutMs, signal);
  }

  /** ZADD XX of the leases; returns the new expiry (epoch ms). */
  extendLeases(queue: string, ids: readonly string[], leaseSeconds?: number): Promise<number> {
    return heartbeat.extendLeases(this.ctx, queue, ids, leaseSeconds);
  }

  /** HSET result (§6.11). */
  async writeResult(queue: string, id: string, data: Uint8Array): Promise<void> {
    await wrap("broker.writeResult", () => this.ctx.redis.hset(keys.taskKey(queue, id), "result", Buffer.from(data)));
  }

  /** Server heartbeat (§7.1). */
  writeServerState(beat: Heartbeat): Promise<void> {
    return heartbeat.writeServerState(this.ctx, beat);
  }

  /** Server heartbeat removal (§7.2). */
  clearServerState(host: string, pid: number, serverId: string): Promise<void> {
    return heartbeat.clearServerState(this.ctx, host, pid, serverId);
  }

  /** Forwarder (§6.8) for one queue. */
  forward(queue: string): Promise<number> {
    return maintenance.forward(this.ctx, queue);
  }

  /** Recoverer listing (§6.9). */
  listLeaseExpired(queues: readonly string[], cutoffMs: number): Promise<TaskMessage[]> {
    return maintenance.listLeaseExpired(this.ctx, queues, cutoffMs);
  }

  /** Recoverer reclaim of stale aggregation sets (§11.4). */
  async reclaimStaleAggregationSets(queue: string): Promise<void> {
    await maintenance.reclaimStaleAggregationSets(this.ctx, queue);
  }

  /** Janitor (§6.10), one batch. */
  deleteExpiredCompletedTasks(queue: string, batchSize: number): Promise<number> {
    return maintenance.deleteExpiredCompletedTasks(this.ctx, queue, batchSize);
  }

  /** Groups of a queue (§11.2). */
  listGroups(queue: string): Promise<string[]> {
    return aggregation.listGroups(this.ctx, queue);
  }

  /** Aggregation check (§11.2); the new set id or null. */
  aggregationCheck(queue: string, group: string, criteria: AggregationCriteria): Promise<string | null> {
    return aggregation.aggregationCheck(this.ctx, queue, group, criteria);
  }

  /** Aggregation set read (§11.3). */
  readAggregationSet(
    queue: string,
    group: string,
    setId: string,
  ): Promise<{ msgs: TaskMessage[]; deadlineMs: number }> {
    return aggregation.readAggregationSet(this.ctx, queue, group, setId);
  }

  /** Aggregation set delete (§11.3). */
  deleteAggregationSet(queue: string, group: string, setId: string): Promise<void> {
    return aggregation.deleteAggregationSet(this.ctx, queue, group, setId);
  }

  /** Plain enqueue of an aggregated task; throws TaskIdConflictError when the id is taken. */
  enqueue(msg: TaskMessage): Promise<void> {
    return aggregation.enqueue(this.ctx, msg);
  }

  /** Subscribes to asynq:cancel on the subscriber connection; resolves once subscribed. */
  async subscribeCancellations(onCancel: (taskId: string) => void): Promise<{ close(): Promise<void> }> {
    const remove = await wrap("broker.subscribeCancellations", () =>
      this.pubsub.subscribe(keys.cancelChannel, onCancel),
    );
    return { close: remove };
  }

  /** Scheduler heartbeat (§9.3). */
  writeSchedulerEntries(schedulerId: string, entries: SchedulerEntryRecord[], ttlSeconds: number): Promise<void> {
    return heartbeat.writeSchedulerEntries(this.ctx, schedulerId, entries, ttlSeconds);
  }

  /** Scheduler shutdown clean-up (§9.3). */
  clearSchedulerEntries(schedulerId: string, entryIds: readonly string[]): Promise<void> {
    return heartbeat.clearSchedulerEntries(this.ctx, schedulerId, entryIds);
  }

  /** Scheduler history (§9.3). */
  recordSchedulerEnqueueEvent(entryId: string, event: SchedulerEnqueueEventRecord): Promise<void> {
    return heartbeat.recordSchedulerEnqueueEvent(this.ctx, entryId, event);
  }

  /** Task log lines (Vigil): one script call per task, one pipeline per queue. */
  appendTaskLogs(batches: readonly TaskLogBatch[], keep: TaskLogRetention): Promise<void> {
    return extras.appendTaskLogs(this.ctx, batches, keep);
  }

  /** SET of a checkpoint record with PX (Vigil). */
  writeCheckpoint(queue: string, id: string, json: string, ttlMs: number): Promise<void> {
    return extras.writeCheckpoint(this.ctx, queue, id, json, ttlMs);
  }

  /** GET of a checkpoint record (Vigil). */
  readCheckpoint(queue: string, id: string): Promise<string | null> {
    return extras.readCheckpoint(this.ctx, queue, id);
  }

  /** Start slots from a shared rate limit's window (Vigil). */
  acquireRateLimit(spec: RateLimitSpec, ids: readonly string[]): Promise<number[]> {
    return rateLimit.acquireRateLimit(this.ctx, spec, ids);
  }

  /** Rate-limited tasks back to scheduled until their slot (Vigil). */
  deferTasks(queue: string, items: readonly DeferItem[]): Promise<boolean[]> {
    return rateLimit.deferTasks(this.ctx, queue, items);
  }

  /** Deferred tasks to the head of pending at their slot (Vigil). */
  releaseDeferred(queue: string, ids: readonly string[]): Promise<number> {
    return rateLimit.releaseDeferred(this.ctx, queue, ids);
  }

  /** PING. */
  async ping(): Promise<void> {
    await wrap("broker.ping", () => this.ctx.redis.ping());
  }

  /** Releases waiters, closes the subscriber connection, and the command connection when owned. */
  async close(): Promise<void> {
    this.wakes.close();
    await this.pubsub.close();
    if (this.owns) await this.ctx.redis.quit().catch(() => this.ctx.redis.disconnect());
  }
}
