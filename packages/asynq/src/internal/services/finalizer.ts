// Finalization writes of the processor (spec §6.4): each needs a valid local lease (else nothing is written
// and the recoverer takes over); writes are group-committed through the broker's finalizeMany (whatever
// finishes while one batch is in flight goes in the next), and failed writes are retried like Go's syncer.
import type { Logger } from "pino";
import { isAsynqError } from "../errors.js";
import type { Broker, FinalizeOp } from "../base/broker.js";
import type { FinalizeExtras } from "../base/extras.js";
import type { TaskMessage } from "../base/message.js";
import type { Lease } from "./lease.js";

/** The task a write is for. */
export interface FinalizeTarget {
  readonly msg: TaskMessage;
  readonly lease: Lease;
}

interface Pending {
  op: FinalizeOp;
  resolve: (e: Error | null) => void;
}

/** Most ops sent in one finalizeMany call. */
const MAX_BATCH = 256;

/** Writes the outcome of tasks to the broker. */
export class Finalizer {
  private queue: Pending[] = [];
  private flushing = false;
  private flushScheduled = false;
  private closed = false;
  private readonly sleepers = new Set<() => void>();

  /** `syncIntervalMs`: pause between retries of a failed write (Go's syncer: 5 s). */
  constructor(
    private readonly broker: Broker,
    private readonly logger: Logger,
    private readonly syncIntervalMs: number,
  ) {}

  /** Success with retention 0, or RevokeTask: delete the task. `x`: Vigil's extras (run record, ...). */
  done(t: FinalizeTarget, x: FinalizeExtras = {}): Promise<boolean> {
    return this.write(t, { kind: "done", msg: t.msg, ...x });
  }
  /** Success with retention > 0. */
  markAsComplete(t: FinalizeTarget, x: FinalizeExtras = {}): Promise<boolean> {
    return this.write(t, { kind: "markAsComplete", msg: t.msg, ...x });
  }
  /** Failure with retries left. */
  retry(
    t: FinalizeTarget,
    retryAtMs: number,
    errorMsg: string,
    isFailure: boolean,
    x: FinalizeExtras = {},
  ): Promise<boolean> {
    return this.write(t, { kind: "retry", msg: t.msg, retryAtMs, failure: { errorMsg, isFailure }, ...x });
  }
  /** Failure with no retries left, or SkipRetry. */
  archive(t: FinalizeTarget, errorMsg: string, x: FinalizeExtras = {}): Promise<boolean> {
    return this.write(t, { kind: "archive", msg: t.msg, errorMsg, ...x });
  }
  /** Shutdown abort: back to the head of pending. */
  requeue(t: FinalizeTarget, x: FinalizeExtras = {}): Promise<boolean> {
    return this.write(t, { kind: "requeue", msg: t.msg, ...x });
  }

  /** Stops waiting between retries: each pending write gets one last attempt, then gives up. */
  close(): void {
    this.closed = true;
    for (const wake of [...this.sleepers]) wake();
  }

  /** Writes `op` while the lease is valid, retrying transport errors; true when written. */
  private async write(t: FinalizeTarget, op: FinalizeOp): Promise<boolean> {
    const { msg } = t;
    for (let attempt = 1; ; attempt++) {
      if (!t.lease.isValid()) {
        this.logger.warn(
          { taskId: msg.id, type: msg.type, queue: msg.queue, op: op.kind },
          "lease expired; nothing written, leaving the task to the recoverer",
        );
        return false;
      }
      const err = await this.submit(op);
      if (!err) {
        if (attempt > 1) {
          this.logger.info(
            { taskId: msg.id, type: msg.type, queue: msg.queue, op: op.kind, attempt },
            "write succeeded on retry",
          );
        }
        return true;
      }
      const retryable = !isAsynqError(err) || err.code === "UNAVAILABLE";
      const willRetry = retryable && !this.closed;
      this.logger.error(
        { taskId: msg.id, type: msg.type, queue: msg.queue, op: op.kind, attempt, err, willRetry },
        "finalize write failed",
      );
      if (!willRetry) return false;
      await this.sleep(this.syncIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private submit(op: FinalizeOp): Promise<Error | null> {
    return new Promise((resolve) => {
      this.queue.push({ op, resolve });
      // Flush on the next turn of the event loop, so the writes of tasks that finish together (a fetched
      // batch) share one call instead of the first going alone.
      if (!this.flushing && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.scheduledFlush);
      }
    });
  }

  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    if (!this.flushing && this.queue.length > 0) void this.flush();
  };

  /** Sends what is queued in one call; whatever arrives meanwhile goes in the next call. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const items = this.queue.splice(0, MAX_BATCH);
        let results: (Error | null)[];
        try {
          results = await this.broker.finalizeMany(items.map((i) => i.op));
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          results = items.map(() => e);
        }
        items.forEach((it, i) => it.resolve(results[i] ?? null));
      }
    } finally {
      this.flushing = false;
    }
  }
}
