// The aggregator (spec §11.2-§11.3): with a GroupAggregator configured, every min(7 s, grace period) checks
// each group of each queue; a group that meets max-size / max-delay / grace-period becomes an aggregation
// set, the user's aggregator builds one task from it, that task is enqueued and the set is deleted.
import type { Logger } from "pino";
import type { GroupAggregator, ResolvedServerOptions } from "../../server-options.js";
import { Task } from "../../task.js";
import type { Broker } from "../base/broker.js";
import { resolveEnqueueOptions } from "../base/enqueue-options.js";
import { newTaskMessage } from "../base/message.js";
import { Periodic } from "./periodic.js";

/** Longest aggregator tick (Go: 7 s). */
export const MAX_AGGREGATOR_INTERVAL_MS = 7000;
/** Aggregation checks allowed in flight at once (Go: 3). */
const MAX_CONCURRENT_CHECKS = 3;

/** Aggregates groups of tasks; a no-op without a GroupAggregator. */
export class Aggregator {
  private readonly periodic: Periodic | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly broker: Broker,
    private readonly options: ResolvedServerOptions,
    private readonly logger: Logger,
  ) {
    const aggregate = options.groupAggregator;
    if (!aggregate) return;
    const intervalMs = Math.min(MAX_AGGREGATOR_INTERVAL_MS, options.groupGracePeriodMs);
    this.periodic = new Periodic({ intervalMs, runAtStart: false, logger, what: "aggregator" }, async () => {
      if (this.inFlight.size >= MAX_CONCURRENT_CHECKS) return; // Go skips the tick when 3 checks are running
      const p = this.tick(aggregate).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    });
  }

  /** Starts the schedule. */
  start(): void {
    this.periodic?.start();
  }

  /** Stops the schedule and waits for running checks. */
  async stop(): Promise<void> {
    await this.periodic?.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  /** One pass over every group of every queue. */
  async tick(aggregate: GroupAggregator): Promise<void> {
    const o = this.options;
    const criteria = {
      maxSize: o.groupMaxSize,
      maxDelaySeconds: Math.floor(o.groupMaxDelayMs / 1000),
      gracePeriodSeconds: Math.floor(o.groupGracePeriodMs / 1000),
    };
    for (const queue of Object.keys(o.queues)) {
      let groups: string[];
      try {
        groups = await this.broker.listGroups(queue);
      } catch (err) {
        this.logger.error({ err, queue }, "could not list groups");
        continue;
      }
      for (const group of groups) {
        try {
          const setId = await this.broker.aggregationCheck(queue, group, criteria);
          if (setId !== null) await this.complete(aggregate, queue, group, setId);
        } catch (err) {
          this.logger.error({ err, queue, group }, "aggregation check failed");
        }
      }
    }
  }

  /** Reads the set, builds and enqueues the aggregated task, deletes the set. */
  private async complete(aggregate: GroupAggregator, queue: string, group: string, setId: string): Promise<void> {
    const { msgs, deadlineMs } = await this.broker.readAggregationSet(queue, group, setId);
    const fields = { queue, group, setId, size: msgs.length };
    if (this.options.clock.nowMs() > deadlineMs) {
      this.logger.warn(fields, "aggregation set passed its deadline; leaving it to the recoverer");
      return;
    }
    const tasks = msgs.map((m) => new Task(m.type, m.payload, {}, m.headers));
    let built: Task;
    try {
      built = await aggregate(group, tasks);
    } catch (err) {
      this.logger.error({ ...fields, err }, "groupAggregator threw; the set will be reclaimed");
      return;
    }
    if (!(built instanceof Task)) {
      this.logger.error(fields, "groupAggregator did not return a Task; the set will be reclaimed");
      return;
    }
    const r = resolveEnqueueOptions([built.options, { queue }], {
      nowMs: this.options.clock.nowMs(),
      op: "aggregator.enqueue",
      baseHeaders: built.headers,
    });
    const msg = newTaskMessage({
      type: built.type,
      id: r.taskId,
      queue: r.queue,
      payload: built.payload ?? new Uint8Array(0),
      headers: { ...r.headers },
      retry: r.maxRetry,
      timeout: r.timeoutSeconds,
      deadline: r.deadlineSeconds,
      retention: r.retentionSeconds,
    });
    await this.broker.enqueue(msg);
    this.logger.info(
      { taskId: msg.id, type: msg.type, queue, group, setId, size: msgs.length },
      "aggregated group into one task",
    );
    await this.broker.deleteAggregationSet(queue, group, setId);
  }
}
