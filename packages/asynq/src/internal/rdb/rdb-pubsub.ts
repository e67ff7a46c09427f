// The broker's one dedicated subscriber connection: task cancellation on `asynq:cancel` (spec §8) and
// Vigil's wake-up channels for instant pickup. ioredis re-subscribes after reconnects; wake waiters are
// released on reconnect because messages sent while disconnected are lost.
import { Cluster } from "ioredis";
import * as keys from "../base/keys.js";
import type { RedisConnection } from "./run-script.js";

type Handler = (message: string) => void;

/** Channel subscriptions multiplexed over one lazily opened duplicate of the command connection. */
export class PubSub {
  private sub: RedisConnection | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly subscribing = new Map<string, Promise<unknown>>();
  private readonly reconnectListeners = new Set<() => void>();
  private connectedOnce = false;
  private closed = false;

  /** `onError` receives connection errors of the subscriber connection (ioredis retries by itself). */
  constructor(
    private readonly main: RedisConnection,
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  private connection(): RedisConnection {
    if (this.sub) return this.sub;
    const sub: RedisConnection = this.main instanceof Cluster ? this.main.duplicate() : this.main.duplicate();
    sub.on("message", (channel: string, message: string) => {
      for (const h of this.handlers.get(channel) ?? []) h(message);
    });
    sub.on("error", (e: Error) => this.onError(e));
    sub.on("ready", () => {
      if (this.connectedOnce) for (const f of this.reconnectListeners) f();
      this.connectedOnce = true;
    });
    this.sub = sub;
    return sub;
  }

  /**
   * Adds `handler` for `channel`; resolves once Redis confirmed the subscription and returns its remover.
   * When subscribing fails the handler is not kept and the error is thrown (call again to retry).
   */
  async subscribe(channel: string, handler: Handler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error("pubsub is closed");
    const sub = this.connection();
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    let pending = this.subscribing.get(channel);
    if (!pending) {
      pending = sub.subscribe(channel);
      this.subscribing.set(channel, pending);
    }
    try {
      await pending;
    } catch (e) {
      if (this.subscribing.get(channel) === pending) this.subscribing.delete(channel);
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) this.handlers.delete(channel);
      throw e;
    }
    const handlers = set;
    return async () => {
      if (!handlers.delete(handler) || handlers.size > 0 || this.handlers.get(channel) !== handlers) return;
      this.handlers.delete(channel);
      this.subscribing.delete(channel);
      if (!this.closed) await sub.unsubscribe(channel).catch(() => {});
    };
  }

  /** Calls `f` after every reconnect of the subscriber connection; returns its remover. */
  onReconnect(f: () => void): () => void {
    this.reconnectListeners.add(f);
    return () => this.reconnectListeners.delete(f);
  }

  /** Closes the subscriber connection (if it was opened). */
  async close(): Promise<void> {
    this.closed = true;
    const sub = this.sub;
    this.sub = undefined;
    this.handlers.clear();
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}

interface Waiter {
  queues: ReadonlySet<string>;
  done(woken: boolean): void;
}

/** Instant pickup: waits for wake-up messages of queues (see Broker.waitForWork). */
export class WakeWaiter {
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly ready = new Set<string>();
  private readonly signalled = new Set<string>();
  private readonly waiters = new Set<Waiter>();

  /** Subscribes through `pubsub` on demand; a reconnect counts as a wake-up of every queue. */
  constructor(private readonly pubsub: PubSub) {
    pubsub.onReconnect(() => {
      for (const q of this.subscribed.keys()) this.wake(q);
    });
  }

  private wake(queue: string): void {
    let delivered = false;
    for (const w of this.waiters) {
      if (w.queues.has(queue)) {
        w.done(true);
        delivered = true;
      }
    }
    if (!delivered) this.signalled.add(queue);
  }

  /** True when a wake-up arrived (or may have been missed), false after `timeoutMs` or on abort/close. */
  async wait(queues: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const unconfirmed: Promise<unknown>[] = [];
    for (const q of queues) {
      if (this.ready.has(q)) continue;
      let p = this.subscribed.get(q);
      if (!p) {
        p = this.pubsub
          .subscribe(keys.wakeChannel(q), () => this.wake(q))
          .then(
            () => this.ready.add(q),
            () => this.subscribed.delete(q),
          );
        this.subscribed.set(q, p);
      }
      unconfirmed.push(p);
    }
    if (unconfirmed.length > 0) {
      // Until Redis confirmed the subscription, wake-ups can be lost: let the caller poll again.
      await this.until(Promise.all(unconfirmed), timeoutMs, signal);
      return true;
    }
    let hit = false;
    for (const q of queues) if (this.signalled.delete(q)) hit = true;
    if (hit) return true;
    if (timeoutMs <= 0 || signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        queues: new Set(queues),
        done: (woken) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.waiters.delete(waiter);
          resolve(woken);
        },
      };
      const onAbort = () => waiter.done(false);
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  private async until(p: Promise<unknown>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      p.catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, timeoutMs));
        onAbort = resolve;
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }

  /** Releases every waiter with false. */
  close(): void {
    for (const w of [...this.waiters]) w.done(false);
  }
}
