// A periodic background job for the services: runs `tick` every interval (optionally once at start),
// never overlapping itself; stop() waits for a running tick. Timers are real; "now" comes from the Clock.
import type { Logger } from "pino";

/** Options of a {@link Periodic}. */
export interface PeriodicOptions {
  /** Milliseconds between the end of one tick and the start of the next. */
  intervalMs: number;
  /** Run the first tick at start (true) or one interval after start (false, Go's forwarder/janitor). */
  runAtStart: boolean;
  /** Logs a tick's error (ticks never throw out of the loop). */
  logger: Logger;
  /** What the tick does, for log lines. */
  what: string;
}

/** Runs a tick function periodically; start() and stop() are idempotent. */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly opts: PeriodicOptions,
    private readonly tick: () => Promise<void>,
  ) {}

  /** Starts the schedule (no-op when already started or stopped). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.opts.runAtStart) this.runNow();
    else this.schedule();
  }

  /** Runs a tick now unless one is running; the schedule restarts after it. */
  runNow(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.tick()
      .catch((err: unknown) => this.opts.logger.error({ err }, `${this.opts.what} failed`))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  /** Stops the schedule and waits for a running tick to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.runNow(), this.opts.intervalMs);
    this.timer.unref?.();
  }
}
