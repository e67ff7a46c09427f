// The healthchecker (Go: healthcheck.go): when a callback is configured, PINGs Redis every
// HealthCheckInterval (first one interval after start) and reports null or the error.
import type { Logger } from "pino";
import type { ResolvedServerOptions } from "../../server-options.js";
import type { Broker } from "../base/broker.js";
import { Periodic } from "./periodic.js";

/** Periodic Redis health checks; a no-op without healthCheckFunc. */
export class Healthchecker {
  private readonly periodic: Periodic | undefined;

  constructor(
    private readonly broker: Broker,
    options: ResolvedServerOptions,
    private readonly logger: Logger,
  ) {
    const fn = options.healthCheckFunc;
    if (!fn) return;
    this.periodic = new Periodic(
      { intervalMs: options.healthCheckIntervalMs, runAtStart: false, logger, what: "health check" },
      async () => {
        let error: Error | null = null;
        try {
          await this.broker.ping();
        } catch (err) {
          error = err instanceof Error ? err : new Error(String(err));
        }
        try {
          fn(error);
        } catch (err) {
          this.logger.error({ err }, "healthCheckFunc threw");
        }
      },
    );
  }

  /** Starts the schedule. */
  start(): void {
    this.periodic?.start();
  }

  /** Stops the schedule. */
  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
