// The heartbeater (spec §6.3, §7): at start and every interval writes ServerInfo + WorkerInfo records
// that Go's Inspector and asynqmon read, extends the leases of in-flight tasks, and tells workers whose
// local lease ran out to give up. stop() clears the server state (the last write of a shutdown).
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { ResolvedServerOptions } from "../../server-options.js";
import type { Broker } from "../base/broker.js";
import type { WorkerInfoRecord } from "../base/info.js";
import { Periodic } from "./periodic.js";
import type { ActiveTask } from "./task-runner.js";

/** Server status as written in ServerInfo. */
export type ServerStatus = "active" | "stopped" | "closed";

/** Identity of one server instance. */
export interface ServerIdentity {
  readonly host: string;
  readonly pid: number;
  readonly serverId: string;
}

/** What the heartbeater reads each beat. */
export interface HeartbeatSource {
  status(): ServerStatus;
  activeTasks(): Iterable<ActiveTask>;
  /** Tasks dequeued but not started yet (fetched ahead): their leases are extended too. */
  waitingTasks?(): Iterable<ActiveTask>;
}

/** The host name Go would write (falls back to `unknown-host`). */
export function localHost(): string {
  try {
    return hostname() || "unknown-host";
  } catch {
    return "unknown-host";
  }
}

/** Writes heartbeats and extends leases. */
export class Heartbeater {
  private readonly periodic: Periodic;
  private startTime: Date | null = null;
  private started = false;
  private stopped = false;

  constructor(
    private readonly broker: Broker,
    private readonly options: ResolvedServerOptions,
    private readonly identity: ServerIdentity,
    private readonly source: HeartbeatSource,
    private readonly logger: Logger,
  ) {
    this.periodic = new Periodic(
      { intervalMs: options.heartbeatIntervalMs, runAtStart: true, logger, what: "heartbeat" },
      () => this.beat(),
    );
  }

  /** Writes the first beat now and then every interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startTime = new Date(this.options.clock.nowMs());
    this.periodic.start();
  }

  /** Stops beating and removes the server's records (Go: ClearServerState). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.periodic.stop();
    if (!this.started) return;
    const { host, pid, serverId } = this.identity;
    try {
      await this.broker.clearServerState(host, pid, serverId);
    } catch (err) {
      this.logger.error({ err }, "could not clear server state");
    }
  }

  /** One beat: server + worker records, then lease extension per queue. */
  async beat(): Promise<void> {
    const o = this.options;
    const { host, pid, serverId } = this.identity;
    const active = [...this.source.activeTasks()];
    const workers: WorkerInfoRecord[] = active.map((a) => ({
      host,
      pid,
      serverId,
      taskId: a.msg.id,
      taskType: a.msg.type,
      taskPayload: a.msg.payload,
      queue: a.msg.queue,
      startTime: new Date(a.startedAtMs),
      deadline: new Date(a.deadlineMs),
    }));
    try {
      await this.broker.writeServerState({
        server: {
          host,
          pid,
          serverId,
          concurrency: o.concurrency,
          queues: { ...o.queues },
          strictPriority: o.strictPriority,
          status: this.source.status(),
          startTime: this.startTime,
          activeWorkerCount: active.length,
        },
        workers,
        ttlSeconds: Math.ceil((2 * o.heartbeatIntervalMs) / 1000),
      });
    } catch (err) {
      this.logger.error({ err }, "could not write server state");
    }
    const waiting = this.source.waitingTasks?.();
    await this.extendLeases(waiting === undefined ? active : [...active, ...waiting]);
  }

  private async extendLeases(active: ActiveTask[]): Promise<void> {
    const byQueue = new Map<string, ActiveTask[]>();
    for (const a of active) {
      if (a.lease.isValid()) {
        const list = byQueue.get(a.msg.queue);
        if (list) list.push(a);
        else byQueue.set(a.msg.queue, [a]);
      } else {
        a.lease.notifyExpiration();
      }
    }
    await Promise.all(
      [...byQueue].map(async ([queue, tasks]) => {
        try {
          const expiry = await this.broker.extendLeases(
            queue,
            tasks.map((t) => t.msg.id),
            this.options.leaseDurationMs / 1000,
          );
          for (const t of tasks) {
            if (!t.lease.reset(expiry)) t.lease.notifyExpiration();
          }
        } catch (err) {
          this.logger.error({ err, queue, count: tasks.length }, "could not extend leases");
        }
      }),
    );
  }
}
