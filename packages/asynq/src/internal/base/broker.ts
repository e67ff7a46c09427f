// The Broker: everything the background services (processor, heartbeater, forwarder, recoverer, janitor,
// aggregator, subscriber, scheduler) need from storage. Services see only this interface (design §1 rule 4),
// so tests can wrap the real Redis broker to simulate outages.
import type { TaskMessage } from "./message.js";
import type { SchedulerEnqueueEventRecord, SchedulerEntryRecord, ServerInfoRecord, WorkerInfoRecord } from "./info.js";
import type {
  DeferItem,
  FinalizeExtras,
  RateLimitSpec,
  RunEntry,
  RunHistoryRetention,
  TaskLogBatch,
  TaskLogRetention,
} from "./extras.js";

/** A task taken from a queue by {@link Broker.dequeue}. */
export interface DequeuedTask {
  msg: TaskMessage;
  /** The raw `msg` bytes as stored (kept to detect concurrent rewrites and for byte-exact logging). */
  raw: Uint8Array;
  /** Lease expiry, epoch ms (whole seconds, as stored in the lease zset). */
  leaseExpiresAtMs: number;
}

/** A dequeued id whose task hash was missing or whose msg did not decode (a corrupt record). */
export interface CorruptDequeue {
  corrupt: true;
  queue: string;
  id: string;
  reason: string;
}

/** How a failed attempt is recorded. */
export interface FailureRecord {
  /** Error text stored in `error_msg`. */
  errorMsg: string;
  /** Whether this failure counts (increments `retried` and the failed counters). */
  isFailure: boolean;
}

/**
 * The recoverer's condition on a retry or archive of a task it listed as lease-expired: the write happens only
 * while the task's lease still expired at or before `leaseExpiredByMs` (epoch ms, whole seconds on the wire),
 * so a task another server recovered and a worker took again in the meantime is left alone (else NOT FOUND).
 */
export interface RecoveryGuard {
  leaseExpiredByMs: number;
}

/** One heartbeat of a server. */
export interface Heartbeat {
  server: ServerInfoRecord;
  workers: WorkerInfoRecord[];
  /** TTL of the server info key and workers hash, seconds (Go: 10). */
  ttlSeconds: number;
}

/**
 * One finalization for {@link Broker.finalizeMany}: the same effect as the single-task method of that name
 * (`done`, `markAsComplete`, `retry`, `archive`, `requeue`), plus Vigil's extras (run history, checkpoint
 * deletion) written in the same round trip.
 */
export type FinalizeOp = (
  | { kind: "done"; msg: TaskMessage }
  | { kind: "markAsComplete"; msg: TaskMessage }
  | { kind: "retry"; msg: TaskMessage; retryAtMs: number; failure: FailureRecord }
  | { kind: "archive"; msg: TaskMessage; errorMsg: string }
  | { kind: "requeue"; msg: TaskMessage }
) &
  FinalizeExtras;

/** Criteria of one aggregation check of a group (spec §11.2). */
export interface AggregationCriteria {
  maxSize: number;
  maxDelaySeconds: number;
  gracePeriodSeconds: number;
}

/** Storage operations of the worker side. Every method maps to one step of spec §6-§11. */
export interface Broker {
  /**
   * Tries each queue in order; returns the first task taken (pending → active, lease now + `leaseSeconds`,
   * default 30 s) or null.
   */
  dequeue(queues: readonly string[], leaseSeconds?: number): Promise<DequeuedTask | CorruptDequeue | null>;
  /**
   * Takes up to `max` tasks from one queue in one round trip, each exactly as {@link Broker.dequeue} would
   * (same keys, lease and hash fields per task); `[]` when the queue is paused or empty. Vigil addition.
   */
  dequeueMany(queue: string, max: number, leaseSeconds?: number): Promise<Array<DequeuedTask | CorruptDequeue>>;
  /**
   * Runs many finalizations in one round trip per queue; each op ends in the same state as its single-task
   * method. Never throws: returns, per op and in order, null or the error the single-task method would throw
   * (TaskNotFoundError for a lost task, an AsynqError with code UNAVAILABLE when Redis was unreachable).
   */
  finalizeMany(ops: readonly FinalizeOp[]): Promise<Array<Error | null>>;
  /** `finalizeMany` with a `done` op per message. */
  doneMany(msgs: readonly TaskMessage[]): Promise<Array<Error | null>>;
  /**
   * Instant pickup for idle servers: resolves true as soon as a Vigil client, forwarder or requeue signals
   * that a task became pending in one of `queues` (or a signal may have been missed, e.g. on the first call
   * or after a reconnect), false after `timeoutMs` or when `signal` aborts. Tasks enqueued by Go clients
   * send no signal, so callers keep polling with `timeoutMs` as the poll interval.
   */
  waitForWork(queues: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Success with retention 0 (or RevokeTask): delete the task, count processed, release its unique lock. */
  done(msg: TaskMessage): Promise<void>;
  /** Success with retention > 0: move to completed with completed_at = now. */
  markAsComplete(msg: TaskMessage): Promise<void>;
  /** Failure with retries left: move to retry at `retryAtMs` (with `guard`: only while its lease is expired). */
  retry(msg: TaskMessage, retryAtMs: number, failure: FailureRecord, guard?: RecoveryGuard): Promise<void>;
  /** Failure with no retries left / SkipRetry: move to archived, trimming old archived tasks (`guard`: as retry). */
  archive(msg: TaskMessage, errorMsg: string, guard?: RecoveryGuard): Promise<void>;
  /**
   * Appends finished attempts to `queue`'s run history outside a finalization (the recoverer's record of an
   * attempt lost with its worker), trimmed as `keep` says. Vigil addition.
   */
  recordRuns(queue: string, entries: readonly RunEntry[], keep: RunHistoryRetention): Promise<void>;
  /** Shutdown abort: back to the head of pending (RPUSH), no pending_since. */
  requeue(msg: TaskMessage): Promise<void>;
  /**
   * Extends leases of in-flight tasks of one queue to now + `leaseSeconds` (default 30 s) with ZADD XX;
   * returns the new expiry, epoch ms.
   */
  extendLeases(queue: string, ids: readonly string[], leaseSeconds?: number): Promise<number>;
  /** Writes the handler's result (HSET result). */
  writeResult(queue: string, id: string, data: Uint8Array): Promise<void>;
  /** Writes server and worker heartbeat records. */
  writeServerState(beat: Heartbeat): Promise<void>;
  /** Removes the server's heartbeat records (graceful shutdown). */
  clearServerState(host: string, pid: number, serverId: string): Promise<void>;
  /** Moves due scheduled and retry tasks to pending (or back into their group); returns how many moved. */
  forward(queue: string): Promise<number>;
  /** Messages of active tasks whose lease expired before `cutoffMs` (missing hashes skipped). */
  listLeaseExpired(queues: readonly string[], cutoffMs: number): Promise<TaskMessage[]>;
  /** Puts aggregation sets past their deadline back into their group zset. */
  reclaimStaleAggregationSets(queue: string): Promise<void>;
  /** Deletes completed tasks whose retention expired; returns how many (one batch). */
  deleteExpiredCompletedTasks(queue: string, batchSize: number): Promise<number>;
  /** Group names with aggregating tasks. */
  listGroups(queue: string): Promise<string[]>;
  /** Moves a group's tasks into a new aggregation set when the criteria are met; returns the set id or null. */
  aggregationCheck(queue: string, group: string, criteria: AggregationCriteria): Promise<string | null>;
  /** Messages in an aggregation set and its deadline (epoch ms). */
  readAggregationSet(queue: string, group: string, setId: string): Promise<{ msgs: TaskMessage[]; deadlineMs: number }>;
  /** Deletes an aggregation set and its member task hashes. */
  deleteAggregationSet(queue: string, group: string, setId: string): Promise<void>;
  /** Enqueues a task built by a group aggregator (plain enqueue path). */
  enqueue(msg: TaskMessage): Promise<void>;
  /** Calls `onCancel(taskId)` for every id published on asynq:cancel; resolves once subscribed. */
  subscribeCancellations(onCancel: (taskId: string) => void): Promise<{ close(): Promise<void> }>;
  /** Writes a scheduler's entries and its heartbeat. */
  writeSchedulerEntries(schedulerId: string, entries: SchedulerEntryRecord[], ttlSeconds: number): Promise<void>;
  /** Removes a scheduler's heartbeat, entries and the history of the given entry ids. */
  clearSchedulerEntries(schedulerId: string, entryIds: readonly string[]): Promise<void>;
  /** Records one enqueue of a cron entry (history capped at 1,000). */
  recordSchedulerEnqueueEvent(entryId: string, event: SchedulerEnqueueEventRecord): Promise<void>;
  /** Appends buffered task log lines (Vigil), one round trip per call on a single node. */
  appendTaskLogs(batches: readonly TaskLogBatch[], keep: TaskLogRetention): Promise<void>;
  /** Saves a task's checkpoint record (JSON text) with a TTL (Vigil). */
  writeCheckpoint(queue: string, id: string, json: string, ttlMs: number): Promise<void>;
  /** A task's checkpoint record, or null (Vigil). */
  readCheckpoint(queue: string, id: string): Promise<string | null>;
  /** Start slots from a shared rate limit: per id 0 = start now, N = wait N ms (slot reserved) (Vigil). */
  acquireRateLimit(spec: RateLimitSpec, ids: readonly string[]): Promise<number[]>;
  /** Puts active tasks back as scheduled until their slot, messages untouched; per item whether done (Vigil). */
  deferTasks(queue: string, items: readonly DeferItem[]): Promise<boolean[]>;
  /** Moves deferred tasks still scheduled to the head of pending; returns how many (Vigil). */
  releaseDeferred(queue: string, ids: readonly string[]): Promise<number>;
  /** PING. */
  ping(): Promise<void>;
  /** Closes connections the broker opened. */
  close(): Promise<void>;
}
