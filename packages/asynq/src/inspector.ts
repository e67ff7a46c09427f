// Inspector: reads (and, in the mutations section, changes) queues, tasks, servers and cron entries
// in Redis, with Go asynq's Inspector semantics (spec §10, §15). Console, CLI and metrics sit on it.
import type { Cluster, Redis } from "ioredis";
import { InvalidOptionError, QueueNotFoundError } from "./errors.js";
import type {
  ClusterNodeInfo,
  RedisNodeInfo,
  CorruptEntry,
  DailyStats,
  GroupInfo,
  ListOptions,
  QueueInfo,
  SchedulerEnqueueEvent,
  SchedulerEntry,
  ServerInfo,
} from "./inspector-types.js";
import { type Clock, systemClock } from "./internal/clock.js";
import { currentStats, dailyStats, groupStats, listQueues, queueExists } from "./internal/rdb/inspect.js";
import { listSchedulerEnqueueEvents, listSchedulerEntries, listServers } from "./internal/rdb/inspect-servers.js";
import { getTaskInfo, listListTasks, listZSetTasks, pageRange } from "./internal/rdb/inspect-tasks.js";
import { type RedisConnectionOption, connect } from "./redis-options.js";
import * as bulk from "./internal/rdb/inspect-bulk-mutations.js";
import * as mutate from "./internal/rdb/inspect-mutations.js";
import { planSearch, searchTasks } from "./internal/rdb/search.js";
import { exportTasks, importTask } from "./internal/rdb/inspect-transfer.js";
import { clusterKeySlot, clusterNodes, redisInfo } from "./internal/rdb/inspect-redis.js";
import type { TaskRecord } from "./transfer-types.js";
import { cronStatus, runCronEntryNow } from "./internal/rdb/cron-monitor.js";
import type { CronEntryStatus, CronStatusOptions } from "./cron-types.js";
import { dropCheckpoint, getCheckpoint, runHistory, taskLogs } from "./internal/rdb/inspect-extras.js";
import type { Checkpoint, RunHistoryOptions, RunRecord, TaskLogLine, TaskLogsOptions } from "./task-extras-types.js";
import type { SearchOptions, SearchQuery, SearchResult } from "./search-types.js";
import type { CorruptTaskInfo, PayloadInput, TaskInfo, TaskState } from "./task.js";

/** Options of {@link Inspector}. */
export interface InspectorOptions {
  /** Source of "now" (latency, pending next-process time, orphan and heartbeat checks). @defaultValue systemClock */
  clock?: Clock;
}

/**
 * Reads queue and task state from Redis, compatible with Go asynq v0.24–v0.26 data.
 *
 * Task lists return one page (`{ page, size }`, 1-based, default size 30). A listed id whose task hash
 * is missing or whose `msg` does not decode comes back as a `CorruptTaskInfo` item (see
 * `isCorruptTaskInfo`) instead of failing the page. Servers, scheduler entries and enqueue events that
 * do not decode come back as {@link CorruptEntry} items (see `isCorruptEntry`), after the good ones.
 *
 * @example
 * const inspector = new Inspector("redis://127.0.0.1:6379/0");
 * const info = await inspector.getQueueInfo("default");
 * await inspector.close();
 */
export class Inspector {
  private readonly redis: Redis | Cluster;
  private readonly owned: boolean;
  private readonly clock: Clock;

  /** Connects to Redis (URL, Sentinel/Cluster description, or a client the caller keeps owning). */
  constructor(connection: RedisConnectionOption, options: InspectorOptions = {}) {
    const c = connect(connection);
    this.redis = c.redis;
    this.owned = c.owned;
    this.clock = options.clock ?? systemClock;
  }

  /** Throws QueueNotFoundError unless `queue` is in `asynq:queues`. */
  private async requireQueue(op: string, queue: string): Promise<void> {
    if (!(await queueExists(this.redis, queue))) throw new QueueNotFoundError(op, queue);
  }

  /** Every known queue name, sorted. */
  async queues(): Promise<string[]> {
    return listQueues(this.redis);
  }

  /** Current counts, today's counters, latency, memory estimate and pause state of a queue. */
  async getQueueInfo(queue: string): Promise<QueueInfo> {
    await this.requireQueue("inspector.getQueueInfo", queue);
    return currentStats(this.redis, queue, this.clock);
  }

  /** Processed and failed counts for the last `days` UTC days (days ≥ 1), today first. */
  async history(queue: string, days: number): Promise<DailyStats[]> {
    const op = "inspector.history";
    if (!Number.isSafeInteger(days) || days < 1) throw new InvalidOptionError(op, "days", days, "an integer >= 1");
    await this.requireQueue(op, queue);
    return dailyStats(this.redis, queue, days, this.clock);
  }

  /** Aggregation groups of a queue with their sizes, sorted by name. Does not check that the queue exists. */
  async groups(queue: string): Promise<GroupInfo[]> {
    return groupStats(this.redis, queue);
  }

  /** One task by id; throws TaskNotFoundError, QueueNotFoundError or CorruptRecordError. */
  async getTaskInfo(queue: string, id: string): Promise<TaskInfo> {
    await this.requireQueue("inspector.getTaskInfo", queue);
    return getTaskInfo(this.redis, queue, id, this.clock);
  }

  /** A page of pending tasks, oldest (next to run) first; nextProcessAt is now. */
  async listPendingTasks(queue: string, options?: ListOptions): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    const op = "inspector.listPendingTasks";
    const range = pageRange(op, options);
    await this.requireQueue(op, queue);
    return listListTasks(this.redis, queue, "pending", range, this.clock);
  }

  /** A page of active tasks, oldest first; isOrphaned is true when the task's lease has expired. */
  async listActiveTasks(queue: string, options?: ListOptions): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    const op = "inspector.listActiveTasks";
    const range = pageRange(op, options);
    await this.requireQueue(op, queue);
    return listListTasks(this.redis, queue, "active", range, this.clock);
  }

  /** A page of scheduled tasks, soonest first; nextProcessAt is the scheduled time. */
  async listScheduledTasks(queue: string, options?: ListOptions): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    return this.listZSet("inspector.listScheduledTasks", queue, "scheduled", options);
  }

  /** A page of tasks waiting to be retried, soonest first; nextProcessAt is the retry time. */
  async listRetryTasks(queue: string, options?: ListOptions): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    return this.listZSet("inspector.listRetryTasks", queue, "retry", options);
  }

  /** A page of archived tasks, oldest archived first. */
  async listArchivedTasks(queue: string, options?: ListOptions): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    return this.listZSet("inspector.listArchivedTasks", queue, "archived", options);
  }

  /** A page of completed tasks, soonest to expire first. */
  async listCompletedTasks(queue: string, options?: ListOptions): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    return this.listZSet("inspector.listCompletedTasks", queue, "completed", options);
  }

  /** A page of the aggregating tasks of one group, oldest added first. */
  async listAggregatingTasks(
    queue: string,
    group: string,
    options?: ListOptions,
  ): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    return this.listZSet("inspector.listAggregatingTasks", queue, "aggregating", options, group);
  }

  private async listZSet(
    op: string,
    queue: string,
    state: "scheduled" | "retry" | "archived" | "completed" | "aggregating",
    options: ListOptions | undefined,
    group = "",
  ): Promise<(TaskInfo | CorruptTaskInfo)[]> {
    const range = pageRange(op, options);
    await this.requireQueue(op, queue);
    return listZSetTasks(this.redis, queue, state, range, group);
  }

  /** Heartbeating servers with their running tasks; expired registrations are pruned (as Go). */
  async servers(): Promise<(ServerInfo | CorruptEntry)[]> {
    return listServers(this.redis, this.clock);
  }

  /** Cron entries of every heartbeating scheduler, with their option strings parsed back. */
  async schedulerEntries(): Promise<(SchedulerEntry | CorruptEntry)[]> {
    return listSchedulerEntries(this.redis, this.clock);
  }

  /** A page of one cron entry's enqueue events, newest first. */
  async listSchedulerEnqueueEvents(
    entryId: string,
    options?: ListOptions,
  ): Promise<(SchedulerEnqueueEvent | CorruptEntry)[]> {
    const range = pageRange("inspector.listSchedulerEnqueueEvents", options);
    return listSchedulerEnqueueEvents(this.redis, entryId, range);
  }

  /**
   * Searches one queue state for tasks matching `query` (type, type prefix, payload bytes, JSON field,
   * error text, time range; see {@link SearchQuery}), examining at most `budget` tasks (default 2000) in
   * small read-only chunks. Resume with `nextCursor` until it is null. Zset states (scheduled, retry,
   * archived, completed, aggregating) resume exactly after the last (time, id) seen, so tasks that stay
   * are seen once each however the set changes. Pending and active resume by position from the oldest
   * end, re-anchored on the last id seen when it moved by up to 256 places; if it moved further or left,
   * tasks removed from the oldest end meanwhile can make the scan skip as many tasks, and tasks pushed
   * back at that end (requeues) can be seen twice.
   */
  async search(
    queue: string,
    state: TaskState,
    query: SearchQuery = {},
    options: SearchOptions = {},
  ): Promise<SearchResult> {
    const op = "inspector.search";
    const plan = planSearch(op, queue, state, query, options);
    await this.requireQueue(op, queue);
    return searchTasks(this.redis, plan, this.clock);
  }

  /** Every match of {@link Inspector.search}, calling it with `budget` per call until the scan ends. */
  async *searchAll(
    queue: string,
    state: TaskState,
    query: SearchQuery = {},
    options: Omit<SearchOptions, "cursor"> = {},
  ): AsyncGenerator<TaskInfo | CorruptTaskInfo, void, undefined> {
    let cursor: string | null = null;
    do {
      const r: SearchResult = await this.search(queue, state, query, { ...options, cursor });
      yield* r.matches;
      cursor = r.nextCursor;
    } while (cursor !== null);
  }

  /** Closes the Redis connection if the Inspector opened it. */
  async close(): Promise<void> {
    if (this.owned) await this.redis.quit();
  }

  // --- mutations ---
  // Task and queue changes (run/archive/delete, bulk variants, pause, deleteQueue, cancelProcessing)
  // go below, backed by internal/rdb/inspect-mutations.ts.

  /** Moves a scheduled, retry, archived, completed or aggregating task to pending (keeps `retried`, as Go). */
  async runTask(queue: string, id: string): Promise<void> {
    return mutate.runTask(this.redis, this.clock, queue, id);
  }

  /** Archives a task that is not active or already archived (the message is left unchanged, as Go). */
  async archiveTask(queue: string, id: string): Promise<void> {
    return mutate.archiveTask(this.redis, this.clock, queue, id);
  }

  /** Deletes a task that is not active, releasing its unique lock (and dropping its Vigil checkpoint). */
  async deleteTask(queue: string, id: string): Promise<void> {
    await mutate.deleteTask(this.redis, this.clock, queue, id);
    await dropCheckpoint(this.redis, queue, id);
  }

  /** Replaces the payload of a scheduled task (asynq v0.26 UpdateTaskPayload); other states are refused. */
  async updateTaskPayload(queue: string, id: string, payload: PayloadInput): Promise<void> {
    return mutate.updateTaskPayload(this.redis, this.clock, queue, id, payload);
  }

  /** Moves every scheduled task to pending; returns how many. */
  async runAllScheduledTasks(queue: string): Promise<number> {
    return bulk.runAllScheduledTasks(this.redis, this.clock, queue);
  }

  /** Moves every retry task to pending; returns how many. */
  async runAllRetryTasks(queue: string): Promise<number> {
    return bulk.runAllRetryTasks(this.redis, this.clock, queue);
  }

  /** Moves every archived task to pending; returns how many. */
  async runAllArchivedTasks(queue: string): Promise<number> {
    return bulk.runAllArchivedTasks(this.redis, this.clock, queue);
  }

  /** Moves every task of one group to pending and drops the group; returns how many. */
  async runAllAggregatingTasks(queue: string, group: string): Promise<number> {
    return bulk.runAllAggregatingTasks(this.redis, this.clock, queue, group);
  }

  /** Archives every pending task; returns how many. */
  async archiveAllPendingTasks(queue: string): Promise<number> {
    return bulk.archiveAllPendingTasks(this.redis, this.clock, queue);
  }

  /** Archives every scheduled task; returns how many. */
  async archiveAllScheduledTasks(queue: string): Promise<number> {
    return bulk.archiveAllScheduledTasks(this.redis, this.clock, queue);
  }

  /** Archives every retry task; returns how many. */
  async archiveAllRetryTasks(queue: string): Promise<number> {
    return bulk.archiveAllRetryTasks(this.redis, this.clock, queue);
  }

  /** Archives every task of one group and drops the group; returns how many. */
  async archiveAllAggregatingTasks(queue: string, group: string): Promise<number> {
    return bulk.archiveAllAggregatingTasks(this.redis, this.clock, queue, group);
  }

  /** Deletes every pending task; returns how many. Unique locks are kept until their TTL, as Go. */
  async deleteAllPendingTasks(queue: string): Promise<number> {
    return bulk.deleteAllPendingTasks(this.redis, this.clock, queue);
  }

  /** Deletes every scheduled task, releasing unique locks; returns how many. */
  async deleteAllScheduledTasks(queue: string): Promise<number> {
    return bulk.deleteAllScheduledTasks(this.redis, this.clock, queue);
  }

  /** Deletes every retry task, releasing unique locks; returns how many. */
  async deleteAllRetryTasks(queue: string): Promise<number> {
    return bulk.deleteAllRetryTasks(this.redis, this.clock, queue);
  }

  /** Deletes every archived task, releasing unique locks; returns how many. */
  async deleteAllArchivedTasks(queue: string): Promise<number> {
    return bulk.deleteAllArchivedTasks(this.redis, this.clock, queue);
  }

  /** Deletes every completed task, releasing unique locks; returns how many. */
  async deleteAllCompletedTasks(queue: string): Promise<number> {
    return bulk.deleteAllCompletedTasks(this.redis, this.clock, queue);
  }

  /** Deletes every task of one group and drops the group; returns how many. Unique locks are kept, as Go. */
  async deleteAllAggregatingTasks(queue: string, group: string): Promise<number> {
    return bulk.deleteAllAggregatingTasks(this.redis, this.clock, queue, group);
  }

  /** Pauses a queue (servers stop dequeuing from it); throws FailedPreconditionError when already paused. */
  async pauseQueue(queue: string): Promise<void> {
    return mutate.pauseQueue(this.redis, this.clock, queue);
  }

  /** Unpauses a queue; throws FailedPreconditionError when it is not paused. */
  async unpauseQueue(queue: string): Promise<void> {
    return mutate.unpauseQueue(this.redis, this.clock, queue);
  }

  /**
   * Removes a queue. Without `force` it must hold no pending, active, scheduled, retry or archived task
   * (QueueNotEmptyError); with `force` those tasks are deleted, but never while one is active.
   */
  async deleteQueue(queue: string, force = false): Promise<void> {
    return mutate.deleteQueue(this.redis, this.clock, queue, force);
  }

  /** Asks whichever server runs task `id` to cancel it (PUBLISH asynq:cancel); best effort. */
  async cancelProcessing(id: string): Promise<void> {
    return mutate.cancelProcessing(this.redis, this.clock, id);
  }

  // --- transfer (export/import) ---

  /**
   * One page of raw task records of a state (msg bytes and hash fields as stored), for backups,
   * migrations and forensics. Resume with `nextCursor` until it is null.
   * @example
   * for (let c: string | null = "0"; c !== null; ) { const p = await inspector.exportTasks("default", "archived", { cursor: c }); c = p.nextCursor; }
   */
  async exportTasks(
    queue: string,
    state: TaskState,
    options: { cursor?: string; count?: number; group?: string } = {},
  ): Promise<{ records: TaskRecord[]; nextCursor: string | null }> {
    await this.requireQueue("inspector.exportTasks", queue);
    return exportTasks(this.redis, queue, state, options);
  }

  /** Puts an exported record back; "exists" (and no change) when its id is already in the queue. */
  async importTask(record: TaskRecord): Promise<"imported" | "exists"> {
    return importTask(this.redis, record);
  }

  // --- cron monitoring ---

  /**
   * Health of every cron entry of any scheduler (Go or Vigil): expected ticks in the window matched to the
   * enqueues seen (Go's history and Vigil's run log), missed and late ticks, each run's outcome, consecutive
   * failures, next runs and one status (rules: internal/cron/monitor.ts). Entries are remembered in
   * `vigil:cron:known`, so a stopped scheduler's entries show as scheduler-down for 7 days.
   */
  async cronStatus(options: CronStatusOptions = {}): Promise<CronEntryStatus[]> {
    return cronStatus(this.redis, this.clock, options);
  }

  /**
   * Enqueues a cron entry's task now (published or remembered entry) with its options, recorded in Go's
   * history and as a manual run in Vigil's run log (never counted as a tick). Throws NOT_FOUND for an unknown id.
   */
  async runCronEntryNow(entryId: string): Promise<TaskInfo> {
    return runCronEntryNow(this.redis, this.clock, entryId);
  }

  // --- task logs, checkpoints, run history (Vigil; `vigil:` keys, empty when absent) ---

  /**
   * Log lines a task's handler wrote with `ctx.log`, oldest first: the newest `limit` (default 1000), or with
   * `since` (a line id, exclusive, or a time) the first `limit` after it. [] when there are none.
   */
  async taskLogs(queue: string, id: string, options: TaskLogsOptions = {}): Promise<TaskLogLine[]> {
    return taskLogs(this.redis, queue, id, options);
  }

  /** The task's last checkpoint (`ctx.checkpoint`), or null (none saved, task succeeded, or expired). */
  async getCheckpoint(queue: string, id: string): Promise<Checkpoint | null> {
    return getCheckpoint(this.redis, queue, id);
  }

  /**
   * Finished attempts of a queue's tasks, newest first (default 100), optionally since a time and for one task
   * id or type. Outlives the tasks themselves (a succeeded task's hash is gone, its runs stay). [] without history.
   */
  async runHistory(queue: string, options: RunHistoryOptions = {}): Promise<RunRecord[]> {
    return runHistory(this.redis, queue, options);
  }

  // --- redis ---

  /** INFO of each Redis primary (one entry on a single node): version, uptime, clients, memory, and all fields. */
  async redisInfo(): Promise<RedisNodeInfo[]> {
    return redisInfo(this.redis);
  }

  /** Hash slot of a queue's keys in Redis Cluster (Go: ClusterKeySlot); FailedPreconditionError off a cluster. */
  async clusterKeySlot(queue: string): Promise<number> {
    return clusterKeySlot(this.redis, queue);
  }

  /** Cluster nodes serving a queue's slot (Go: ClusterNodes); FailedPreconditionError off a cluster. */
  async clusterNodes(queue: string): Promise<ClusterNodeInfo[]> {
    return clusterNodes(this.redis, queue);
  }
}
