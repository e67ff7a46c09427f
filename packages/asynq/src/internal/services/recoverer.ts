// The recoverer (spec §6.9): at start and every 60 s, active tasks whose lease expired more than 30 s ago
// (their worker is gone; less with a leaseDuration under 30 s) are retried or archived with
// `asynq: task lease expired`, and the lost attempt goes to the run history; then stale aggregation sets are
// put back into their groups (§11.4).
import type { Logger } from "pino";
import { isTaskNotFoundError } from "../../errors.js";
import { ErrLeaseExpired, LEASE_EXPIRED_TEXT } from "../../retry.js";
import type { ResolvedServerOptions } from "../../server-options.js";
import { Task } from "../../task.js";
import type { Broker, RecoveryGuard } from "../base/broker.js";
import type { TaskMessage } from "../base/message.js";
import { Periodic } from "./periodic.js";

/** Clock-skew allowance: only leases expired before now − 30 s are taken (Go). */
export const RECOVER_CUTOFF_MS = 30_000;

/** Recovers tasks of dead workers. */
export class Recoverer {
  private readonly periodic: Periodic;

  constructor(
    private readonly broker: Broker,
    private readonly options: ResolvedServerOptions,
    private readonly logger: Logger,
  ) {
    this.periodic = new Periodic(
      { intervalMs: options.recovererIntervalMs, runAtStart: true, logger, what: "recoverer" },
      () => this.tick(),
    );
  }

  /** Runs once now, then every interval. */
  start(): void {
    this.periodic.start();
  }

  /** Stops the schedule and waits for a running tick. */
  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass: expired leases, then stale aggregation sets. */
  async tick(): Promise<void> {
    const o = this.options;
    const queues = Object.keys(o.queues);
    let msgs: TaskMessage[] = [];
    // Each write re-checks that the lease is still expired by the listing's cutoff: between the listing and the
    // write another server may have recovered the task and a worker taken it again (Go has this race).
    const guard = { leaseExpiredByMs: o.clock.nowMs() - Math.min(RECOVER_CUTOFF_MS, o.leaseDurationMs) };
    try {
      msgs = await this.broker.listLeaseExpired(queues, guard.leaseExpiredByMs);
    } catch (err) {
      this.logger.error({ err }, "could not list tasks with expired leases");
    }
    for (const msg of msgs) await this.recover(msg, guard);
    for (const queue of queues) {
      try {
        await this.broker.reclaimStaleAggregationSets(queue);
      } catch (err) {
        this.logger.error({ err, queue }, "could not reclaim stale aggregation sets");
      }
    }
  }

  /**
   * Run history of the attempt that was lost with its worker, written once this server's recovery won: its
   * start and duration are unknown (the worker is gone), so it is recorded at the recovery, duration 0.
   */
  private async recordLostAttempt(msg: TaskMessage, outcome: "retry" | "archived"): Promise<void> {
    const keep = this.options.extras.runHistory;
    if (!keep) return;
    const now = this.options.clock.nowMs();
    const entry = {
      taskId: msg.id,
      type: msg.type,
      queue: msg.queue,
      startMs: now,
      durationMs: 0,
      outcome,
      error: LEASE_EXPIRED_TEXT,
      finishMs: now,
    };
    try {
      await this.broker.recordRuns(msg.queue, [entry], keep);
    } catch (err) {
      this.logger.error({ taskId: msg.id, type: msg.type, queue: msg.queue, err }, "could not record the lost attempt");
    }
  }

  private async recover(msg: TaskMessage, guard: RecoveryGuard): Promise<void> {
    const o = this.options;
    const fields = { taskId: msg.id, type: msg.type, queue: msg.queue };
    try {
      if (msg.retried >= msg.retry) {
        await this.broker.archive(msg, LEASE_EXPIRED_TEXT, guard);
        this.logger.warn({ ...fields, retried: msg.retried }, "recovered task with expired lease: archived");
        await this.recordLostAttempt(msg, "archived");
        return;
      }
      const task = new Task(msg.type, msg.payload, {}, msg.headers);
      let delay = 0;
      let isFailure = true;
      try {
        delay = o.retryDelayFunc(msg.retried, ErrLeaseExpired, task);
        isFailure = o.isFailure(ErrLeaseExpired) !== false;
      } catch (err) {
        this.logger.error({ ...fields, err }, "retryDelayFunc/isFailure threw during recovery");
      }
      if (!Number.isFinite(delay) || delay < 0) delay = 0;
      const retryAtMs = o.clock.nowMs() + delay;
      await this.broker.retry(msg, retryAtMs, { errorMsg: LEASE_EXPIRED_TEXT, isFailure }, guard);
      this.logger.warn(
        { ...fields, retried: msg.retried, retryAt: new Date(retryAtMs).toISOString() },
        "recovered task with expired lease: retry scheduled",
      );
      await this.recordLostAttempt(msg, "retry");
    } catch (err) {
      // Every server's recoverer lists the same expired leases; the first write wins, the others find
      // the task no longer active (Go logs these as warnings too). Only other failures are errors.
      if (isTaskNotFoundError(err)) this.logger.debug(fields, "task with expired lease already recovered elsewhere");
      else this.logger.error({ ...fields, err }, "could not recover task with expired lease");
    }
  }
}
