// The processor (spec §6.1-§6.5, §6.12): parallel fetch loops batch-dequeue into free concurrency slots;
// when queues are empty one loop waits on the broker's instant-pickup signal with Go's poll as fallback;
// each task runs through the TaskRunner; shutdown waits, then aborts and requeues what is left.
import type { Logger } from "pino";
import { CanceledError, type HandlerFunc } from "../../handler.js";
import type { ResolvedServerOptions } from "../../server-options.js";
import type { Broker, CorruptDequeue, DequeuedTask } from "../base/broker.js";
import { Finalizer } from "./finalizer.js";
import { queueOrderer } from "./queue-order.js";
import { RateGate } from "./rate-gate.js";
import { Deadlines, RunningTask, type TaskOwner } from "./running-task.js";
import { Lane, Slots } from "./slots.js";
import { type ActiveTask, TaskRunner, computeDeadline } from "./task-runner.js";

/** A lane fetches ahead only while its recent tasks each ended within this, ms. */
export const PREFETCH_MAX_TASK_MS = 20;
/**
 * While fetching ahead, a lane may hold this many times its share leased (Celery's default prefetch multiplier
 * is 4 too): enough queued work to cover a Redis round trip at concurrency 10 on a 2-core host.
 */
export const PREFETCH_FACTOR = 4;
/** What a processor needs. */
export interface ProcessorDeps {
  broker: Broker;
  options: ResolvedServerOptions;
  handler: HandlerFunc;
  logger: Logger;
}

/** Dequeues and runs tasks; start()/stop() are idempotent, shutdown() also waits and requeues. */
export class Processor implements TaskOwner {
  /** The concurrency slots: at most this many handlers run. */
  private readonly slots: Slots;
  /** The fetch loops' lanes: each may hold a share of the leased tasks. */
  private readonly lanes: Lane[];
  /** Tasks fetched ahead, waiting for a slot (oldest first), and by id. */
  private readonly queued: RunningTask[] = [];
  private readonly waiting = new Map<string, RunningTask>();
  private readonly finalizer: Finalizer;
  private readonly runner: TaskRunner;
  private readonly order: () => readonly string[];
  /** Shared rate limits (Vigil); undefined when none are configured. */
  private readonly gate: RateGate | undefined;
  private readonly batch: number;
  /** Tasks in a row whose user code ended within PREFETCH_MAX_TASK_MS (fetching ahead needs `concurrency`). */
  private fastStreak = 0;
  private readonly active = new Map<string, RunningTask>();
  private readonly runs = new Set<Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private state: "new" | "running" | "stopped" | "aborting" = "new";
  /** A loop is sleeping/probing for work; the other idle loops wait in `followers`. */
  private leader = false;
  private followers: (() => void)[] = [];
  private lastFetchErrorLogAt = -Infinity;
  private suppressedFetchErrors = 0;
  /** Tasks whose user code finished and whose slot was freed while their finalize write is pending. */
  private finalizing = 0;
  /**
   * Wake-ups from waitForWork after which the leader's fetch still found nothing (backs off the wait); reset
   * when any loop starts a task.
   */
  private spuriousWakes = 0;
  private lastWakeByBroker = false;
  private readonly log: Logger;

  constructor(private readonly d: ProcessorDeps) {
    const o = d.options;
    this.log = d.logger;
    this.slots = new Slots(o.concurrency);
    // Each fetch loop owns a lane, a share of the tasks the server may hold leased: several dequeues stay in
    // flight (while one waits for Redis, the process runs another's tasks). While tasks are short, lanes
    // fetch ahead: up to PREFETCH_FACTOR times their share, the extra tasks waiting in `queued` for a slot.
    const lanes = Math.min(o.fetchers, o.concurrency);
    const ahead = (): boolean => o.prefetch && this.fastStreak >= o.concurrency;
    this.lanes = [];
    for (let i = 0; i < lanes; i++) {
      const base = Math.floor(o.concurrency / lanes) + (i < o.concurrency % lanes ? 1 : 0);
      this.lanes.push(new Lane(base, PREFETCH_FACTOR * base, ahead));
    }
    this.finalizer = new Finalizer(d.broker, this.log, o.heartbeatIntervalMs);
    this.runner = new TaskRunner({ ...d, finalizer: this.finalizer, deadlines: new Deadlines(o.clock) });
    this.order = queueOrderer(o.queues, o.strictPriority);
    this.gate = RateGate.create(d.broker, o.extras.rateLimits, o.clock, this.log, () => this.wake());
    this.batch = o.dequeueBatchSize;
  }

  /** Number of tasks in flight. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Tasks in flight (for heartbeats). */
  activeTasks(): IterableIterator<ActiveTask> {
    return this.active.values();
  }

  /** Tasks fetched ahead, waiting for a slot: leased like running ones (the heartbeater extends them). */
  waitingTasks(): IterableIterator<ActiveTask> {
    return this.waiting.values();
  }

  /** Starts the fetch loops. */
  start(): void {
    if (this.state !== "new") return;
    this.state = "running";
    for (const lane of this.lanes) this.loops.push(this.loop(lane));
    this.log.debug({ fetchers: this.lanes.length, batch: this.batch }, "processor started");
  }

  /** Stops taking new tasks (Go: Server.Stop); running tasks continue. */
  stop(): void {
    if (this.state !== "running" && this.state !== "new") return;
    this.state = "stopped";
    for (const lane of this.lanes) lane.close();
    this.requeueAhead();
    this.workFound();
    this.wake();
  }

  /** Wakes idle fetch loops: work may have arrived (e.g. the forwarder moved tasks to pending). */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  /** Cancels a running task (asynq:cancel); false when it is not running here. */
  cancel(taskId: string): boolean {
    // A task fetched ahead starts out aborted: it ends as a canceled attempt without running its handler.
    const a = this.active.get(taskId) ?? this.waiting.get(taskId);
    if (!a) return false;
    this.log.info({ taskId, type: a.msg.type, queue: a.msg.queue }, "task cancellation requested");
    a.abort(new CanceledError("cancel"));
    return true;
  }

  /** Stops fetching, waits up to `shutdownTimeoutMs` for running tasks, then aborts and requeues the rest. */
  async shutdown(): Promise<void> {
    this.stop();
    const timeoutMs = this.d.options.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)));
    const finished = (async (): Promise<boolean> => {
      await Promise.all(this.loops);
      await this.slots.drained();
      return false;
    })();
    const late = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (late) {
      this.state = "aborting";
      if (this.active.size > 0)
        this.log.warn({ count: this.active.size }, "shutdown timeout: requeueing unfinished tasks");
      for (const a of this.active.values()) a.abort(new CanceledError("shutdown"));
      this.finalizer.close();
      await finished;
    }
    await Promise.allSettled([...this.runs]);
    this.finalizer.close();
    this.gate?.close();
    await this.runner.close();
  }

  private async loop(lane: Lane): Promise<void> {
    let leading = false;
    while (this.state === "running") {
      const n = await lane.acquireUpTo(this.batch);
      if (n === 0) return;
      /** Tasks taken into the lane: started, or waiting for a slot. */
      let placed = 0;
      let fetchedAny = false;
      try {
        const fetched = await this.fetch(this.gate ? this.gate.order(this.order()) : this.order(), n);
        fetchedAny = fetched.length > 0;
        for (const f of this.gate ? await this.gate.admit(fetched) : fetched) {
          if (isCorrupt(f)) {
            this.log.error({ taskId: f.id, queue: f.queue, reason: f.reason }, "corrupt task dequeued; left in active");
          } else {
            placed++;
            this.place(f, lane);
          }
        }
      } catch (err) {
        this.logFetchError(err);
      } finally {
        lane.release(n - placed);
      }
      if (this.state !== "running") this.requeueAhead(); // stop() came during the fetch
      // Any loop taking a task ends the spurious-wake backoff (the woken leader may find its task taken).
      if (placed > 0) this.spuriousWakes = 0;
      if (leading) {
        this.leader = false;
        leading = false;
        if (placed === 0 && this.lastWakeByBroker) this.spuriousWakes++;
        this.lastWakeByBroker = false;
      }
      if (fetchedAny) {
        this.workFound();
      } else if (this.state === "running") {
        // One loop (the leader) sleeps and probes; the others wait until some loop finds work.
        if (!this.leader) {
          this.leader = leading = true;
          await this.sleep();
        } else {
          await new Promise<void>((r) => this.followers.push(r));
        }
      }
    }
  }

  /** Some fetch found work: idle loops resume. */
  private workFound(): void {
    if (this.followers.length === 0 && !this.leader) return;
    const f = this.followers;
    this.followers = [];
    for (const r of f) r();
    this.wake();
  }

  private logFetchError(err: unknown): void {
    const now = performance.now();
    if (now - this.lastFetchErrorLogAt < 5000) {
      this.suppressedFetchErrors++;
      return;
    }
    this.log.error({ err, suppressed: this.suppressedFetchErrors }, "dequeue failed");
    this.lastFetchErrorLogAt = now;
    this.suppressedFetchErrors = 0;
  }

  /** Takes up to `max` tasks, draining queues in `order` (Go: the first queue with a task wins each round). */
  private async fetch(order: readonly string[], max: number): Promise<(DequeuedTask | CorruptDequeue)[]> {
    let out: (DequeuedTask | CorruptDequeue)[] = [];
    for (const queue of order) {
      let got: (DequeuedTask | CorruptDequeue)[];
      try {
        got = await this.d.broker.dequeueMany(queue, max - out.length, this.d.options.leaseDurationMs / 1000);
      } catch (err) {
        if (out.length === 0) throw err;
        this.log.error({ err, queue }, "dequeue failed");
        break; // keep (and run) what earlier queues gave
      }
      out = out.length === 0 ? got : out.concat(got);
      if (out.length >= max) break;
    }
    return out;
  }

  /** A dequeued task starts when a slot is free, else waits (fetched ahead) for one. */
  private place(t: DequeuedTask, lane: Lane): void {
    const { msg } = t;
    const clock = this.d.options.clock;
    const now = clock.nowMs();
    const task = new RunningTask(msg, now, computeDeadline(msg, now), clock, t.leaseExpiresAtMs, this);
    task.lane = lane;
    if (this.slots.tryAcquire()) {
      this.begin(task);
    } else {
      task.slotHeld = false;
      this.queued.push(task);
      this.waiting.set(msg.id, task);
    }
  }

  /** Starts a task that holds a slot. */
  private begin(task: RunningTask): void {
    const { msg } = task;
    const now = this.d.options.clock.nowMs();
    task.startedAtMs = now;
    task.deadlineMs = computeDeadline(msg, now);
    if (this.state === "aborting") task.abort(new CanceledError("shutdown"));
    this.active.set(msg.id, task);
    if (this.log.isLevelEnabled("debug"))
      this.log.debug({ taskId: msg.id, type: msg.type, queue: msg.queue }, "task started");
    const run = this.runTask(task);
    task.run = run;
    this.runs.add(run);
  }

  /** Puts the tasks fetched ahead back at the head of their queues (stop, shutdown). */
  private requeueAhead(): void {
    for (const task of this.queued.splice(0)) {
      this.waiting.delete(task.msg.id);
      task.lane!.release(1);
      const { msg } = task;
      const write = this.finalizer.requeue(task).then(
        (ok) => {
          if (ok && this.log.isLevelEnabled("debug"))
            this.log.debug({ taskId: msg.id, type: msg.type, queue: msg.queue }, "task fetched ahead requeued");
        },
        (err: unknown) => this.log.error({ taskId: msg.id, type: msg.type, queue: msg.queue, err }, "requeue failed"),
      );
      this.runs.add(write);
      void write.finally(() => this.runs.delete(write));
    }
  }

  private async runTask(task: RunningTask): Promise<void> {
    try {
      await this.runner.run(task);
    } catch (err) {
      const { msg } = task;
      this.log.error({ taskId: msg.id, type: msg.type, queue: msg.queue, err }, "task runner failed");
    } finally {
      if (this.active.get(task.msg.id) === task) this.active.delete(task.msg.id);
      if (task.run !== undefined) this.runs.delete(task.run);
      if (task.finalizing) this.finalizing--;
      this.freeSlot(task);
    }
  }

  /**
   * TaskOwner: the slot limits running user code; it is freed before the finalize write when fewer than
   * 2 × `concurrency` writes are pending, so the next dequeue overlaps this task's write.
   */
  userCodeDone(task: RunningTask): void {
    if (!task.slotHeld || this.finalizing >= 2 * this.d.options.concurrency) return;
    this.finalizing++;
    task.finalizing = true;
    this.freeSlot(task);
  }

  /** The task's user code is done: its slot goes to the oldest task fetched ahead, else back to the pool. */
  private freeSlot(task: RunningTask): void {
    if (!task.slotHeld) return;
    task.slotHeld = false;
    if (this.d.options.clock.nowMs() - task.startedAtMs > PREFETCH_MAX_TASK_MS) this.fastStreak = 0;
    else this.fastStreak++;
    task.lane!.release(1);
    const next = this.queued.shift();
    if (next === undefined) {
      this.slots.release();
      return;
    }
    this.waiting.delete(next.msg.id);
    next.slotHeld = true;
    this.begin(next);
  }

  /** The leader's sleep: the broker's wake-up, a poll timer (Go's jitter), or wake()/stop(). */
  private sleep(): Promise<void> {
    const interval = this.d.options.taskCheckIntervalMs;
    const ms = interval / 2 + Math.random() * interval; // Go v0.25+: interval/2 + [0, interval)
    return new Promise((resolve) => {
      const ac = new AbortController();
      let brokerTimer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        clearTimeout(brokerTimer);
        this.wakers.delete(done);
        ac.abort();
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      if (!this.d.options.instantPickup || this.state !== "running") return;
      const watch = (): void => {
        this.d.broker.waitForWork(this.order(), ms, ac.signal).then(
          (woken) => {
            if (ac.signal.aborted || !woken) return;
            this.lastWakeByBroker = true;
            done();
          },
          (err: unknown) => {
            if (!ac.signal.aborted) this.log.debug({ err }, "waitForWork failed; polling");
          },
        );
      };
      const backoff = this.spuriousWakes === 0 ? 0 : Math.min(interval, 2 ** Math.min(this.spuriousWakes, 20));
      if (backoff === 0) watch();
      else brokerTimer = setTimeout(watch, backoff);
    });
  }
}

function isCorrupt(f: DequeuedTask | CorruptDequeue): f is CorruptDequeue {
  return (f as CorruptDequeue).corrupt === true;
}
