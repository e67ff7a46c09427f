// One task in flight (the processor's per-task record): its lease, deadline and abort state. The
// AbortController behind `signal` is created only when someone reads `signal` (most handlers never do);
// one created after the abort starts out aborted with the same reason. Deadlines share one timer.
import { DeadlineExceededError } from "../../handler.js";
import { LeaseExpiredError } from "../../retry.js";
import type { TaskMessage } from "../base/message.js";
import type { Clock } from "../clock.js";
import { Lease, type LeaseHolder } from "./lease.js";
import type { Lane } from "./slots.js";

const MAX_TIMER_MS = 2_147_483_647;

/** What a running task tells its processor. */
export interface TaskOwner {
  /** User code of `t` is done; only its finalize write is left. */
  userCodeDone(t: RunningTask): void;
}

/** What the runner's abort callback is called with (a value no handler's promise fulfils with). */
export const ABORTED: unique symbol = Symbol("aborted");

/** A dequeued task being processed (an ActiveTask of task-runner.ts). */
export class RunningTask implements LeaseHolder {
  readonly lease: Lease;
  /** The abort reason once aborted (the first reason wins). */
  reason: Error | undefined = undefined;
  /** The runner's wait for the outcome: called once at abort. */
  onAbort: ((aborted: typeof ABORTED) => void) | undefined = undefined;
  /** The processor's slot accounting (false while a task fetched ahead waits for a slot). */
  slotHeld = true;
  finalizing = false;
  /** The fetch loop's lane that leased this task. */
  lane: Lane | undefined = undefined;
  /** Deadline list links (see Deadlines). */
  prev: RunningTask | undefined = undefined;
  next: RunningTask | undefined = undefined;
  linked = false;
  /** The processor's promise of this task's run. */
  run: Promise<void> | undefined = undefined;
  private ac: AbortController | undefined = undefined;

  constructor(
    readonly msg: TaskMessage,
    /** When the attempt started, epoch ms (a task fetched ahead: when it was dequeued, until it starts). */
    public startedAtMs: number,
    /** Processing deadline, epoch ms (computeDeadline; set again when a task fetched ahead starts). */
    public deadlineMs: number,
    clock: Clock,
    leaseExpiresAtMs: number,
    private readonly owner: TaskOwner,
  ) {
    this.lease = new Lease(clock, leaseExpiresAtMs, this);
  }

  /** LeaseHolder: the heartbeater found the lease expired. */
  leaseExpired(): void {
    this.abort(new LeaseExpiredError());
  }

  /** Aborted (timeout, deadline, cancellation, lease loss, shutdown). */
  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** The handler's signal, created on first use (already aborted when the reason came first). */
  get signal(): AbortSignal {
    if (this.ac === undefined) {
      this.ac = new AbortController();
      if (this.reason !== undefined) this.ac.abort(this.reason);
    }
    return this.ac.signal;
  }

  abort(reason: Error): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.ac?.abort(reason);
    const f = this.onAbort;
    if (f !== undefined) {
      this.onAbort = undefined;
      f(ABORTED);
    }
  }

  userCodeDone(): void {
    this.owner.userCodeDone(this);
  }
}

/**
 * One timer for the deadlines of all running tasks: they are kept sorted by deadline in an intrusive list.
 * Tasks mostly arrive in deadline order (same timeout), so inserting from the tail is O(1).
 */
export class Deadlines {
  private head: RunningTask | undefined = undefined;
  private tail: RunningTask | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private timerAt = Infinity;
  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.nowMs();
    let h = this.head;
    while (h !== undefined && h.deadlineMs - now <= 0) {
      this.remove(h);
      h.abort(new DeadlineExceededError());
      h = this.head;
    }
    this.arm();
  };

  constructor(private readonly clock: Clock) {}

  /** Aborts `t` with DeadlineExceededError at its deadline (at once when it has passed). */
  add(t: RunningTask): void {
    if (t.deadlineMs - this.clock.nowMs() <= 0) return t.abort(new DeadlineExceededError());
    let p = this.tail;
    while (p !== undefined && p.deadlineMs > t.deadlineMs) p = p.prev;
    t.prev = p;
    t.next = p === undefined ? this.head : p.next;
    if (t.next === undefined) this.tail = t;
    else t.next.prev = t;
    if (p === undefined) this.head = t;
    else p.next = t;
    t.linked = true;
    if (this.head === t) this.arm();
  }

  /** Forgets `t` (its attempt ended). */
  remove(t: RunningTask): void {
    if (!t.linked) return;
    t.linked = false;
    if (t.prev === undefined) this.head = t.next;
    else t.prev.next = t.next;
    if (t.next === undefined) this.tail = t.prev;
    else t.next.prev = t.prev;
    t.prev = t.next = undefined;
    if (this.head === undefined && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    }
  }

  private arm(): void {
    const h = this.head;
    if (h === undefined || h.deadlineMs >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const ms = Math.min(Math.max(h.deadlineMs - this.clock.nowMs(), 0), MAX_TIMER_MS);
    this.timerAt = h.deadlineMs;
    this.timer = setTimeout(this.fire, ms);
  }
}
