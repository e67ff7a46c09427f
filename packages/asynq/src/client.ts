// Client: enqueues tasks into Redis exactly as Go asynq's Client does (spec §5), one at a time or in
// pipelined batches. Options are validated before anything is written.
import { Cluster } from "ioredis";
import { AsynqError, InvalidOptionError } from "./errors.js";
import {
  resolveEnqueueOptions,
  validateTaskType,
  type ResolvedEnqueueOptions,
} from "./internal/base/enqueue-options.js";
import * as keys from "./internal/base/keys.js";
import { systemClock, type Clock } from "./internal/clock.js";
import { planEnqueue, planOutcome, redisError, type EnqueuePlan } from "./internal/rdb/enqueue.js";
import {
  runScript,
  runScriptPipeline,
  type LuaScript,
  type RedisConnection,
  type Reply,
} from "./internal/rdb/run-script.js";
import type { EnqueueOptions } from "./options.js";
import { connect, primaries, type RedisConnectionOption } from "./redis-options.js";
import { Task, type PayloadInput, type TaskInfo } from "./task.js";

/** Options of a {@link Client}. */
export interface ClientOptions {
  /** Source of "now" (tests inject a SimulatedClock). @defaultValue the system clock */
  clock?: Clock;
}

/** One item of {@link Client.enqueueMany}: a Task, a Task with enqueue options, or a type and payload. */
export type EnqueueManyItem =
  Task | { task: Task; options?: EnqueueOptions } | { type: string; payload?: PayloadInput; options?: EnqueueOptions };

/** Outcome of one item of {@link Client.enqueueMany}: the TaskInfo, or the error for that item only. */
export type EnqueueResult = { info: TaskInfo; error?: undefined } | { info?: undefined; error: AsynqError };

/** Options of {@link Client.enqueueMany}. */
export interface EnqueueManyOptions {
  /** Items per pipeline (one round trip each). @defaultValue 1000 */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 1000;
const ITEM_ACCEPTED = "a Task, { task, options } or { type, payload, options }";
const PAYLOAD_ACCEPTED = "bytes (Uint8Array), a string, null, or a JSON-serialisable value";

/** A validated item, ready to be planned. */
interface Prepared {
  task: Task;
  options: ResolvedEnqueueOptions;
}

function makeTask(op: string, type: unknown, payload: unknown): Task {
  validateTaskType(type, op);
  const t = typeof payload;
  if (t === "function" || t === "symbol" || t === "bigint") {
    throw new InvalidOptionError(op, "payload", t, PAYLOAD_ACCEPTED);
  }
  try {
    return new Task(type as string, payload as PayloadInput);
  } catch (cause) {
    const e = new InvalidOptionError(op, "payload", typeof payload, PAYLOAD_ACCEPTED);
    (e as { cause?: unknown }).cause = cause;
    throw e;
  }
}

/**
 * Puts tasks into queues. Go asynq's `Client`, wire-compatible with v0.24-v0.26: Go servers process what
 * it enqueues and Go inspectors see it. Like v0.24, it sends `SADD asynq:queues` before every enqueue,
 * so a queue removed by an inspector is registered again by the next enqueue (spec P14).
 *
 * @example
 * const client = new Client("redis://127.0.0.1:6379/0");
 * const info = await client.enqueue("email:welcome", { user_id: 42 }, { queue: "critical", maxRetry: 5 });
 * await client.close();
 */
export class Client {
  private readonly redis: RedisConnection;
  private readonly owned: boolean;
  private readonly clock: Clock;
  private closed = false;

  /** Connects (lazily) by URL, Sentinel or Cluster description, or adopts an ioredis client it will not close. */
  constructor(connection: RedisConnectionOption, options: ClientOptions = {}) {
    const c = connect(connection);
    this.redis = c.redis;
    this.owned = c.owned;
    this.clock = options.clock ?? systemClock;
  }

  /** Enqueues `task`; `options` are applied after the task's own options (last wins). */
  enqueue(task: Task, options?: EnqueueOptions): Promise<TaskInfo>;
  /** Enqueues a new task of `type` with `payload` (bytes, a string, or a JSON value). */
  enqueue(type: string, payload?: PayloadInput, options?: EnqueueOptions): Promise<TaskInfo>;
  async enqueue(a: Task | string, b?: unknown, c?: EnqueueOptions): Promise<TaskInfo> {
    const op = "client.enqueue";
    this.assertOpen(op);
    const prepared =
      typeof a === "string"
        ? this.prepare(op, makeTask(op, a, b), c, this.clock.nowMs())
        : this.prepare(op, a, b as EnqueueOptions | undefined, this.clock.nowMs());
    const plan = planEnqueue(prepared.task.type, prepared.task.payload, prepared.options, this.clock.nowMs());
    // The SADD and the script are sent together: one round trip instead of two. On one connection Redis
    // still runs the SADD first, as Go does; only a failed SADD no longer stops the script. When the
    // script wrote the task its outcome is returned (an error would invite a duplicate enqueue; the next
    // enqueue registers the queue again), otherwise the SADD's error comes first, as in Go.
    const registered = this.redis.sadd(keys.allQueues, prepared.options.queue).then(
      () => undefined,
      (e: unknown) => ({ e }),
    );
    let reply: Reply;
    try {
      reply = await runScript(this.redis, plan.call.script, plan.call.keys, plan.call.args);
    } catch (e) {
      throw redisError(op, (await registered)?.e ?? e);
    }
    const saddFailed = await registered;
    const out = planOutcome(op, plan, reply);
    if (out instanceof Error) throw saddFailed ? redisError(op, saddFailed.e) : out;
    return out;
  }

  /**
   * Enqueues many tasks in pipelined round trips: one script preload, then per chunk one `SADD asynq:queues`
   * of its distinct queues and one pipeline of scripts. Every route of {@link enqueue} is supported
   * (pending, scheduled, aggregating, unique). Returns one result per item, in order: a bad item gets
   * its own error (nothing of it is written) and the others still go through. Routing uses one "now"
   * taken at the start of the batch.
   */
  async enqueueMany(items: readonly EnqueueManyItem[], options: EnqueueManyOptions = {}): Promise<EnqueueResult[]> {
    const op = "client.enqueueMany";
    this.assertOpen(op);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new InvalidOptionError(op, "chunkSize", chunkSize, "an integer >= 1");
    }
    if (!Array.isArray(items)) throw new InvalidOptionError(op, "items", items, `an array of ${ITEM_ACCEPTED}`);

    const results: EnqueueResult[] = new Array<EnqueueResult>(items.length);
    const plans: { index: number; plan: EnqueuePlan }[] = [];
    const nowMs = this.clock.nowMs();
    items.forEach((item, index) => {
      try {
        const p = this.prepareItem(op, item, index, nowMs);
        plans.push({ index, plan: planEnqueue(p.task.type, p.task.payload, p.options, nowMs, false) });
      } catch (e) {
        results[index] = {
          error:
            e instanceof AsynqError ? e : new AsynqError(op, "INVALID_ARGUMENT", `${op}: ${String(e)}`, { cause: e }),
        };
      }
    });
    if (plans.length === 0) return results;

    // Best effort: a script the preload missed still runs, through EVAL after NOSCRIPT (run-script.ts).
    await this.preload([...new Set(plans.map((p) => p.plan.call.script))]).catch(() => undefined);
    for (let start = 0; start < plans.length; start += chunkSize) {
      const chunk = plans.slice(start, start + chunkSize);
      try {
        const replies = await this.sendChunk(withWake(chunk.map((p) => p.plan)));
        chunk.forEach(({ index, plan }, i) => {
          const out = planOutcome(op, plan, replies[i] ?? null);
          results[index] = out instanceof Error ? { error: out } : { info: out };
        });
      } catch (e) {
        const error = redisError(op, e);
        for (const { index } of chunk) results[index] = { error };
      }
    }
    return results;
  }

  /** Checks the connection with PING. */
  async ping(): Promise<void> {
    const op = "client.ping";
    this.assertOpen(op);
    try {
      await this.redis.ping();
    } catch (e) {
      throw redisError(op, e);
    }
  }

  /** Closes the connection if this client opened it (an adopted ioredis client stays open). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.owned) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new AsynqError(op, "FAILED_PRECONDITION", `${op}: client is closed`);
  }

  private prepare(op: string, task: Task, options: EnqueueOptions | undefined, nowMs: number): Prepared {
    if (!(task instanceof Task)) throw new InvalidOptionError(op, "task", task, "a Task or a task type string");
    validateTaskType(task.type, op);
    const resolved = resolveEnqueueOptions([task.options, options], {
      nowMs,
      op,
      baseHeaders: task.headers,
    });
    return { task, options: resolved };
  }

  private prepareItem(op: string, item: EnqueueManyItem, index: number, nowMs: number): Prepared {
    if (item instanceof Task) return this.prepare(op, item, undefined, nowMs);
    if (item !== null && typeof item === "object") {
      if ("task" in item) return this.prepare(op, item.task, item.options, nowMs);
      if ("type" in item) return this.prepare(op, makeTask(op, item.type, item.payload), item.options, nowMs);
    }
    throw new InvalidOptionError(op, `items[${index}]`, item, ITEM_ACCEPTED);
  }

  /** SCRIPT LOAD of `used` on every primary, one pipeline per node, so the batch's EVALSHAs hit. */
  private async preload(used: readonly LuaScript[]): Promise<void> {
    await Promise.all(
      primaries(this.redis).map(async (node) => {
        const pipe = node.pipeline();
        for (const s of used) pipe.script("LOAD", s.lua);
        const res = (await pipe.exec()) ?? [];
        const failed = res.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
      }),
    );
  }

  /**
   * SADD of the chunk's distinct queues, then its scripts in one pipeline. A Cluster pipeline must stay
   * in one slot, so there the scripts go as one pipeline per queue (each queue is one hash slot), in parallel.
   */
  private async sendChunk(plans: readonly EnqueuePlan[]): Promise<Reply[]> {
    const queues = [...new Set(plans.map((p) => p.msg.queue))];
    await this.redis.sadd(keys.allQueues, ...queues);
    if (!(this.redis instanceof Cluster))
      return runScriptPipeline(
        this.redis,
        plans.map((p) => p.call),
      );
    const byQueue = new Map<string, number[]>();
    plans.forEach((p, i) => {
      const list = byQueue.get(p.msg.queue);
      if (list) list.push(i);
      else byQueue.set(p.msg.queue, [i]);
    });
    const replies = new Array<Reply>(plans.length).fill(null);
    await Promise.all(
      [...byQueue.values()].map(async (indexes) => {
        const r = await runScriptPipeline(
          this.redis,
          indexes.map((i) => plans[i]!.call),
        );
        indexes.forEach((i, j) => (replies[i] = r[j] ?? null));
      }),
    );
    return replies;
  }
}

/**
 * The last pending task of each queue in a chunk carries the wake channel, so its script PUBLISHes once
 * for the whole chunk (idle Vigil servers then start at once) without an extra round trip.
 */
function withWake(plans: readonly EnqueuePlan[]): EnqueuePlan[] {
  const last = new Map<string, number>();
  plans.forEach((p, i) => {
    if (p.state === "pending") last.set(p.msg.queue, i);
  });
  return plans.map((p, i) =>
    last.get(p.msg.queue) === i
      ? { ...p, call: { ...p.call, args: [...p.call.args, keys.wakeChannel(p.msg.queue)] } }
      : p,
  );
}
