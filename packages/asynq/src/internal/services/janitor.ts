// The janitor (spec §6.10): every JanitorInterval (first run one interval after start) deletes completed
// tasks whose retention expired, batch by batch until none is left.
import type { Logger } from "pino";
import type { ResolvedServerOptions } from "../../server-options.js";
import type { Broker } from "../base/broker.js";
import { Periodic } from "./periodic.js";

const MAX_ROUNDS = 10_000;

/** Deletes expired completed tasks. */
export class Janitor {
  private readonly periodic: Periodic;

  constructor(
    private readonly broker: Broker,
    private readonly options: ResolvedServerOptions,
    private readonly logger: Logger,
  ) {
    this.periodic = new Periodic(
      { intervalMs: options.janitorIntervalMs, runAtStart: false, logger, what: "janitor" },
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

  /** One pass over every queue. */
  async tick(): Promise<void> {
    for (const queue of Object.keys(this.options.queues)) {
      try {
        let deleted = 0;
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const n = await this.broker.deleteExpiredCompletedTasks(queue, this.options.janitorBatchSize);
          if (n <= 0) break;
          deleted += n;
        }
        if (deleted > 0) this.logger.debug({ queue, deleted }, "deleted expired completed tasks");
      } catch (err) {
        this.logger.error({ err, queue }, "could not delete expired completed tasks");
      }
    }
  }
}
