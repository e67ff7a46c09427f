// The processor's concurrency: Slots counts the running handlers (tasks take a slot without waiting, or wait in
// the processor's queue of tasks fetched ahead); each fetch loop's Lane bounds the tasks that loop holds leased
// and makes it wait for room. Lane releases wake the loop on the next macrotask, so room freed together (a batch
// of finished tasks) is taken by one fetch.

/** Concurrency slots: how many handlers may run. */
export class Slots {
  private free: number;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly capacity: number) {
    this.free = capacity;
  }

  /** Takes one slot if one is free (no waiting). */
  tryAcquire(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  /** Gives back one slot. */
  release(): void {
    this.free++;
    if (this.free === this.capacity) {
      const d = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of d) w();
    }
  }

  /** Resolves when every slot is free. */
  drained(): Promise<void> {
    if (this.free === this.capacity) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }
}

/**
 * A fetch loop's lane: how many tasks the loop may hold leased (fetched, user code not done yet): `base`, or
 * `full` while fetching ahead is on.
 */
export class Lane {
  private leased = 0;
  private waiters: (() => void)[] = [];
  private wakeScheduled = false;
  private closed = false;

  constructor(
    readonly base: number,
    readonly full: number,
    private readonly ahead: () => boolean,
  ) {}

  private limit(): number {
    return this.ahead() ? this.full : this.base;
  }

  /** Waits until the lane has room, then takes up to `max` of it; 0 once closed. */
  async acquireUpTo(max: number): Promise<number> {
    while (!this.closed && this.leased >= this.limit()) await new Promise<void>((r) => this.waiters.push(r));
    if (this.closed) return 0;
    const n = Math.min(this.limit() - this.leased, max);
    this.leased += n;
    return n;
  }

  /** Gives back `n`. */
  release(n: number): void {
    if (n <= 0) return;
    this.leased -= n;
    if (this.waiters.length > 0 && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => {
        this.wakeScheduled = false;
        this.wakeAll();
      });
    }
  }

  /** Makes every current and future acquire return 0. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }
}
