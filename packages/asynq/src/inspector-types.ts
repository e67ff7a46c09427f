// Public result types of the Inspector's reads: queue stats, history, groups, servers, cron entries,
// list options and the record that stands in for something in Redis that could not be decoded.
import type { EnqueueOptions } from "./options.js";

/** A page request. `page` is 1-based; `size` is the number of items per page. */
export interface ListOptions {
  /** 1-based page number. @defaultValue 1 */
  page?: number;
  /** Items per page. @defaultValue 30 */
  size?: number;
}

/** The state of one queue at one moment (Go: QueueInfo). */
export interface QueueInfo {
  queue: string;
  /** Approximate bytes used by the queue's tasks and lists, from sampling (spec §10.3). */
  memoryUsage: number;
  /** Age of the oldest pending task in milliseconds; 0 when pending is empty or its age is unknown. */
  latencyMs: number;
  /** Tasks in every state: pending + active + scheduled + retry + archived + completed + aggregating. */
  size: number;
  /** Number of groups holding aggregating tasks. */
  groups: number;
  pending: number;
  active: number;
  scheduled: number;
  retry: number;
  archived: number;
  completed: number;
  aggregating: number;
  /** Tasks processed (succeeded or failed) today, UTC. */
  processed: number;
  /** Tasks failed today, UTC. */
  failed: number;
  /** Tasks processed since the counters started (asynq v0.20+). */
  processedTotal: number;
  /** Tasks failed since the counters started. */
  failedTotal: number;
  /** True when the queue is paused (no task is dequeued from it). */
  paused: boolean;
  /** When these numbers were read. */
  timestamp: Date;
}

/** Processed and failed counts of one queue on one UTC day (Go: DailyStats). */
export interface DailyStats {
  queue: string;
  /** The UTC calendar date, `YYYY-MM-DD`. */
  date: string;
  processed: number;
  failed: number;
}

/** One aggregation group and its number of waiting tasks (Go: GroupInfo). */
export interface GroupInfo {
  group: string;
  size: number;
}

/** A task a server is running right now (Go: WorkerInfo). */
export interface WorkerInfo {
  taskId: string;
  taskType: string;
  taskPayload: Uint8Array;
  queue: string;
  /** When the worker started the task (millisecond precision). */
  started: Date | null;
  /** When the worker will give up on the task (millisecond precision). */
  deadline: Date | null;
}

/** A server that is heartbeating, with the tasks it is running (Go: ServerInfo). */
export interface ServerInfo {
  /** The server instance's UUID. */
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  /** Queue name → configured priority. */
  queues: Record<string, number>;
  strictPriority: boolean;
  /** When the server started (millisecond precision). */
  started: Date | null;
  /** `active`, `stopped` or `closed`. */
  status: string;
  /** Tasks in flight, oldest start first. */
  activeWorkers: WorkerInfo[];
}

/** A cron entry published by a running scheduler (Go: SchedulerEntry). */
export interface SchedulerEntry {
  /** The entry's UUID. */
  id: string;
  /** Cron spec as registered, e.g. `@every 30s` or `0 2 * * *`. */
  spec: string;
  taskType: string;
  taskPayload: Uint8Array;
  /**
   * The options parsed back from {@link SchedulerEntry.optionStrings}: durations in milliseconds,
   * times as Dates. Strings that do not parse are left out here and stay in `optionStrings`.
   */
  options: EnqueueOptions;
  /** The options exactly as stored, in Go's `Option.String()` form, e.g. `Queue("low")`, `Timeout(5m0s)`. */
  optionStrings: string[];
  /** Next fire time; null when the spec never fires. */
  next: Date | null;
  /** Previous fire time; null when it has never fired. */
  prev: Date | null;
}

/** One enqueue made by a cron entry (Go: SchedulerEnqueueEvent). */
export interface SchedulerEnqueueEvent {
  taskId: string;
  enqueuedAt: Date | null;
}

/** What kind of non-task record a {@link CorruptEntry} stands for. */
export type CorruptEntryKind = "server" | "worker" | "schedulerEntry" | "schedulerEnqueueEvent";

/**
 * A server, worker, cron entry or enqueue event found in Redis that does not decode. Reads that return
 * such records list this in its place instead of failing or dropping it silently.
 */
export interface CorruptEntry {
  corrupt: true;
  kind: CorruptEntryKind;
  /** The Redis key holding the record. */
  key: string;
  /** The hash field (a worker's task id) or list index holding the record, when there is one. */
  field?: string;
  /** Why it could not be read. */
  reason: string;
}

/** True when an item of a server, cron entry or event listing is a {@link CorruptEntry}. */
export function isCorruptEntry<T extends object>(x: T | CorruptEntry): x is CorruptEntry {
  return (x as CorruptEntry).corrupt === true;
}

/** One Redis primary's INFO, with the figures operators look at first. */
export interface RedisNodeInfo {
  /** host:port as connected. */
  address: string;
  version: string;
  uptimeSeconds: number;
  connectedClients: number;
  usedMemoryBytes: number;
  usedMemoryPeakBytes: number;
  /** 0 = no limit. */
  maxMemoryBytes: number;
  role: string;
  /** Every INFO field, sections flattened. */
  info: Record<string, string>;
}

/** A Redis Cluster node serving a queue's slot (Go: ClusterNode). */
export interface ClusterNodeInfo {
  /** Node id. */
  id: string;
  /** host:port. */
  addr: string;
}
