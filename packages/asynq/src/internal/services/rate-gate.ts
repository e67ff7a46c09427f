// Shared rate limits on the worker side: before dequeued tasks start, each limit that applies (queue, type, or
// type within a queue) is asked for start slots in one call per limit. Tasks over a limit are put back as
// scheduled until their reserved slot (not failed, not rewritten) and released to pending right on time.
import type { Logger } from "pino";
import type { ResolvedRateLimit } from "../../server-extras-options.js";
import type { Broker, CorruptDequeue, DequeuedTask } from "../base/broker.js";
import type { TaskMessage } from "../base/message.js";
import type { Clock } from "../clock.js";

/** Wait given to tasks whose limit could not be asked (Redis error): they are retried after it. */
export const RATE_ERROR_WAIT_MS = 1000;
/** Deferred tasks due within this many ms of each other are released by one call. */
const RELEASE_BUCKET_MS = 10;

/** Applies the server's rate limits to dequeued tasks. */
export class RateGate {
  private readonly cache = new Map<string, readonly ResolvedRateLimit[]>();
  /** Queues whose own limit is used up, until when (local hint: no dequeue meanwhile). */
  private readonly blocked = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly releases = new Map<string, { queue: string; ids: string[] }>();
  private closed = false;

  /** A gate for `limits`, or undefined when there are none (the processor then skips it entirely). */
  static create(
    broker: Broker,
    limits: readonly ResolvedRateLimit[],
    clock: Clock,
    logger: Logger,
    wake: () => void,
  ): RateGate | undefined {
    return limits.length === 0 ? undefined : new RateGate(broker, limits, clock, logger, wake);
  }

  private constructor(
    private readonly broker: Broker,
    private readonly limits: readonly ResolvedRateLimit[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly wake: () => void,
  ) {}

  /** `queues` without those whose own limit is known to be used up right now. */
  order(queues: readonly string[]): readonly string[] {
    if (this.blocked.size === 0) return queues;
    const now = this.clock.nowMs();
    return queues.filter((q) => {
      const until = this.blocked.get(q);
      if (until === undefined) return true;
      if (until > now) return false;
      this.blocked.delete(q);
      return true;
    });
  }

  /** The tasks that may start now (corrupt records pass through); the others are deferred to their slot. */
  async admit<T extends DequeuedTask | CorruptDequeue>(fetched: T[]): Promise<T[]> {
    const groups = new Map<ResolvedRateLimit, DequeuedTask[]>();
    for (const f of fetched) {
      if ("corrupt" in f) continue;
      for (const l of this.limitsOf(f.msg)) {
        const list = groups.get(l);
        if (list) list.push(f);
        else groups.set(l, [f]);
      }
    }
    if (groups.size === 0) return fetched;
    const waits = new Map<DequeuedTask, number>();
    const firstWaits = new Map<string, number>();
    await Promise.all(
      [...groups].map(async ([limit, tasks]) => {
        let got: number[];
        try {
          got = await this.broker.acquireRateLimit(
            limit,
            tasks.map((t) => t.msg.id),
          );
        } catch (err) {
          this.logger.error({ err, limit: limit.name }, "rate limit check failed; deferring its tasks");
          got = tasks.map(() => RATE_ERROR_WAIT_MS);
        }
        let firstWait = Infinity;
        tasks.forEach((t, i) => {
          const w = got[i] ?? RATE_ERROR_WAIT_MS;
          if (w > 0) firstWait = Math.min(firstWait, w);
          waits.set(t, Math.max(waits.get(t) ?? 0, w));
        });
        if (limit.taskType === undefined && limit.queue !== undefined && firstWait < Infinity) {
          firstWaits.set(limit.queue, Math.min(firstWaits.get(limit.queue) ?? Infinity, firstWait));
        }
      }),
    );
    // Waits count from the limit's (Redis) clock at some point before now: measured from now, a slot is never early.
    const now = this.clock.nowMs();
    for (const [queue, wait] of firstWaits) this.block(queue, now + wait);
    const byQueue = new Map<string, DequeuedTask[]>();
    const runnable = fetched.filter((f) => {
      if ("corrupt" in f || (waits.get(f) ?? 0) <= 0) return true;
      const list = byQueue.get(f.msg.queue);
      if (list) list.push(f);
      else byQueue.set(f.msg.queue, [f]);
      return false;
    });
    await Promise.all([...byQueue].map(([queue, tasks]) => this.defer(queue, tasks, waits, now)));
    return runnable;
  }

  /** Stops release timers (deferred tasks are then moved by a forwarder at their whole second). */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.releases.clear();
  }

  private limitsOf(msg: TaskMessage): readonly ResolvedRateLimit[] {
    const key = `${msg.queue}\u0000${msg.type}`;
    let ls = this.cache.get(key);
    if (!ls) {
      ls = this.limits.filter(
        (l) =>
          (l.queue === undefined || l.queue === msg.queue) && (l.taskType === undefined || l.taskType === msg.type),
      );
      if (this.cache.size < 10_000) this.cache.set(key, ls);
    }
    return ls;
  }

  private async defer(
    queue: string,
    tasks: DequeuedTask[],
    waits: Map<DequeuedTask, number>,
    now: number,
  ): Promise<void> {
    const items = tasks.map((t) => ({ id: t.msg.id, untilMs: now + waits.get(t)! }));
    let done: boolean[];
    try {
      done = await this.broker.deferTasks(queue, items);
    } catch (err) {
      // They stay active without a lease extension; a recoverer retries them once the lease expired.
      this.logger.error({ err, queue, count: items.length }, "could not defer rate-limited tasks");
      return;
    }
    let deferred = 0;
    items.forEach((it, i) => {
      if (!done[i]) return;
      deferred++;
      this.scheduleRelease(queue, it.id, it.untilMs - now);
    });
    if (this.logger.isLevelEnabled("debug")) {
      const until = new Date(Math.max(...items.map((i) => i.untilMs))).toISOString();
      this.logger.debug({ queue, deferred, lastSlot: until }, "rate limited: tasks wait as scheduled for their slot");
    }
  }

  private block(queue: string, untilMs: number): void {
    if ((this.blocked.get(queue) ?? 0) >= untilMs) return;
    this.blocked.set(queue, untilMs);
    this.after(untilMs - this.clock.nowMs(), () => this.wake());
  }

  private scheduleRelease(queue: string, id: string, inMs: number): void {
    if (this.closed) return;
    const due = Math.ceil((this.clock.nowMs() + inMs) / RELEASE_BUCKET_MS);
    const key = `${queue}\u0000${due}`;
    const pending = this.releases.get(key);
    if (pending) {
      pending.ids.push(id);
      return;
    }
    const batch = { queue, ids: [id] };
    this.releases.set(key, batch);
    // +1 ms: a timer may fire a hair early, and the slot must have begun when the task is dequeued again.
    this.after(due * RELEASE_BUCKET_MS - this.clock.nowMs() + 1, () => {
      this.releases.delete(key);
      // The released tasks hold their slots now: they must not wait behind this queue's local block.
      this.blocked.delete(queue);
      this.broker.releaseDeferred(batch.queue, batch.ids).then(
        () => this.wake(),
        (err: unknown) => {
          this.logger.warn(
            { err, queue, count: batch.ids.length },
            "could not release rate-limited tasks; a forwarder will",
          );
        },
      );
    });
  }

  private after(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref?.();
    this.timers.add(t);
  }
}
