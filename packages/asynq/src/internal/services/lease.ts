// The local copy of a task's lease (spec §6.3): writes for a task are allowed only while it is valid;
// when the heartbeater finds it expired it notifies the worker, which abandons the task without writes.
import type { Clock } from "../clock.js";

/** Told (once) when its lease is found expired; a running task is one (no listener closure per task). */
export interface LeaseHolder {
  leaseExpired(): void;
}

/** A worker's lease on one active task. */
export class Lease {
  private expiresAt: number;
  /** Listeners of onExpired(), created when the first one registers. */
  private expiredListeners: (() => void)[] | undefined = undefined;
  private notified = false;

  /** `expiresAtMs` as returned by dequeue (epoch ms); `holder` is told first when the lease expires. */
  constructor(
    private readonly clock: Clock,
    expiresAtMs: number,
    private readonly holder?: LeaseHolder,
  ) {
    this.expiresAt = expiresAtMs;
  }

  /** Lease expiry, epoch ms. */
  get expiresAtMs(): number {
    return this.expiresAt;
  }

  /** Valid while now <= expiry (Go: Lease.IsValid). */
  isValid(): boolean {
    return this.clock.nowMs() <= this.expiresAt;
  }

  /** Moves the expiry to `newExpiryMs` if still valid; false (and no change) when already expired. */
  reset(newExpiryMs: number): boolean {
    if (!this.isValid()) return false;
    this.expiresAt = Math.max(this.expiresAt, newExpiryMs);
    return true;
  }

  /** Tells the worker its lease is gone (once). */
  notifyExpiration(): void {
    if (this.notified) return;
    this.notified = true;
    this.holder?.leaseExpired();
    const listeners = this.expiredListeners;
    this.expiredListeners = undefined;
    if (listeners !== undefined) for (const l of listeners) l();
  }

  /** Registers the worker's reaction to expiry; called at once if already notified. */
  onExpired(listener: () => void): void {
    if (this.notified) listener();
    else (this.expiredListeners ??= []).push(listener);
  }
}
