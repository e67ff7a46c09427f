// The forwarder (spec §6.8): every DelayedTaskCheckInterval (first run one interval after start) moves due
// scheduled and retry tasks of the server's queues to pending (or back into their group).
import type { Logger } from "pino";
import type { ResolvedServerOptions } from "../../server-options.js";
import type { Broker } from "../base/broker.js";
import { Periodic } from "./periodic.js";

/** Safety cap on forward calls per queue per tick (each moves up to 100 tasks per source). */
const MAX_ROUNDS = 1000;

/** Moves due scheduled/retry tasks to pending. */
export class Forwarder {
  private readonly periodic: Periodic;

  /** `onForwarded` is told when tasks became pending (the processor wakes its fetch loops). */
  constructor(
    private readonly broker: Broker,
    private readonly options: ResolvedServerOptions,
    private readonly logger: Logger,
    private readonly onForwarded: () => void = () => {},
  ) {
    this.periodic = new Periodic(
      { intervalMs: options.delayedTaskCheckIntervalMs, runAtStart: false, logger, what: "forwarder" },
      () => this.tick(),
    );
  }

  /** Starts the schedule. */
  start(): void {
    this.periodic.start();
  }

  /** Stops the schedule and waits for a running tick. */
  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass over every queue: forward until nothing is due. */
  async tick(): Promise<void> {
    let moved = 0;
    for (const queue of Object.keys(this.options.queues)) {
      try {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const n = await this.broker.forward(queue);
          if (n <= 0) break;
          moved += n;
          this.onForwarded();
        }
      } catch (err) {
        this.logger.error({ err, queue }, "could not forward scheduled/retry tasks");
      }
    }
    if (moved > 0) this.logger.debug({ moved }, "forwarded due tasks");
  }
}
