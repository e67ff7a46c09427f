// The subscriber (spec §8): listens on asynq:cancel and cancels the named task if it runs in this process;
// retries subscribing every 5 s when it fails.
import type { Logger } from "pino";
import type { Broker } from "../base/broker.js";

/** Retry period of a failed SUBSCRIBE (Go: 5 s). */
export const SUBSCRIBE_RETRY_MS = 5000;

/** Forwards cancellation messages to `onCancel`. */
export class Subscriber {
  private sub: { close(): Promise<void> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly broker: Broker,
    private readonly onCancel: (taskId: string) => void,
    private readonly logger: Logger,
    private readonly retryMs = SUBSCRIBE_RETRY_MS,
  ) {}

  /** Subscribes (in the background); resolves once the first attempt settled. */
  start(): Promise<void> {
    if (this.started) return this.connecting ?? Promise.resolve();
    this.started = true;
    return this.subscribe();
  }

  /** Unsubscribes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.connecting;
    const sub = this.sub;
    this.sub = undefined;
    try {
      await sub?.close();
    } catch (err) {
      this.logger.debug({ err }, "closing the cancel subscription failed");
    }
  }

  private subscribe(): Promise<void> {
    this.connecting = (async () => {
      try {
        this.sub = await this.broker.subscribeCancellations((id) => this.onCancel(id));
        if (this.stopped) await this.sub.close();
      } catch (err) {
        this.logger.error({ err }, `could not subscribe to cancellations; retrying in ${this.retryMs} ms`);
        if (!this.stopped) {
          this.timer = setTimeout(() => void this.subscribe(), this.retryMs);
          this.timer.unref?.();
        }
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}
