// Counting semaphore for the processor's concurrency slots. Releases wake waiters on the next macrotask,
// so slots freed together (a batch of finished tasks) are taken together by one fetch loop.

/** Concurrency slots shared by the fetch loops. */
export class Slots {
  private free: number;
  private waiters: (() => void)[] = [];
  private wakeScheduled = false;
  private closed = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly capacity: number) {
    this.free = capacity;
  }

  /** Slots currently taken. */
  get used(): number {
    return this.capacity - this.free;
  }

  /** Waits for at least one free slot and takes up to `max`; 0 once closed. */
  async acquireUpTo(max: number): Promise<number> {
    while (!this.closed && this.free === 0) await new Promise<void>((r) => this.waiters.push(r));
    if (this.closed) return 0;
    const n = Math.min(this.free, max);
    this.free -= n;
    return n;
  }

  /** Takes one slot if one is free (no waiting; also once closed: for tasks already dequeued). */
  tryAcquire(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  /** Gives back `n` slots. */
  release(n: number): void {
    if (n <= 0) return;
    this.free += n;
    if (this.free === this.capacity) {
      const d = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of d) w();
    }
    if (this.waiters.length > 0 && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => {
        this.wakeScheduled = false;
        this.wakeAll();
      });
    }
  }

  /** Resolves when every slot is free. */
  drained(): Promise<void> {
    if (this.free === this.capacity) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
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

/**
 * A fetch loop's lane: how many tasks the loop may hold leased (fetched, user code not done yet): `base`, or
 * `full` while fetching ahead is on. Releases wake the loop on the next macrotask (batched, as Slots).
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
