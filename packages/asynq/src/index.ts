// The public surface of @vigil/asynq: named re-exports only. Nothing under internal/ is exported.
export {
  AsynqError,
  isAsynqError,
  type ErrorCode,
  TaskIdConflictError,
  isTaskIdConflictError,
  DuplicateTaskError,
  isDuplicateTaskError,
  QueueNotFoundError,
  isQueueNotFoundError,
  TaskNotFoundError,
  isTaskNotFoundError,
  QueueNotEmptyError,
  isQueueNotEmptyError,
  FailedPreconditionError,
  isFailedPreconditionError,
  InvalidOptionError,
  isInvalidOptionError,
  CorruptRecordError,
  isCorruptRecordError,
} from "./errors.js";
export {
  type RedisConnectionOption,
  type RedisNode,
  type UrlConnection,
  type SentinelConnection,
  type ClusterConnection,
  parseRedisUrl,
} from "./redis-options.js";
export {
  Task,
  TASK_STATES,
  type TaskState,
  isTaskState,
  type TaskInfo,
  type CorruptTaskInfo,
  isCorruptTaskInfo,
  type PayloadInput,
} from "./task.js";
export type { EnqueueOptions, Duration } from "./options.js";
export {
  Client,
  type ClientOptions,
  type EnqueueManyItem,
  type EnqueueManyOptions,
  type EnqueueResult,
} from "./client.js";
export { type Clock, systemClock, SimulatedClock } from "./internal/clock.js";
export { Server, ServerClosedError, isServerClosedError } from "./server.js";
export {
  type ServerOptions,
  type ResolvedServerOptions,
  type ErrorHandler,
  type GroupAggregator,
  type LogLevel,
  resolveServerOptions,
} from "./server-options.js";
export { ServeMux, HandlerNotFoundError, notFoundHandler } from "./serve-mux.js";
export {
  type Handler,
  type HandlerFunc,
  type HandlerContext,
  type Middleware,
  type ResultWriter,
  DeadlineExceededError,
  CanceledError,
} from "./handler.js";
export {
  type RetryDelayFunc,
  type IsFailureFunc,
  defaultRetryDelay,
  defaultIsFailure,
  SkipRetry,
  SkipRetryError,
  skipRetry,
  isSkipRetry,
  RevokeTask,
  RevokeTaskError,
  revokeTask,
  isRevokeTask,
  ErrLeaseExpired,
  LeaseExpiredError,
  isLeaseExpired,
  PanicError,
  isPanicError,
} from "./retry.js";
export { Inspector, type InspectorOptions } from "./inspector.js";
export {
  type ListOptions,
  type QueueInfo,
  type DailyStats,
  type GroupInfo,
  type ServerInfo,
  type WorkerInfo,
  type SchedulerEntry,
  type SchedulerEnqueueEvent,
  type CorruptEntry,
  type CorruptEntryKind,
  isCorruptEntry,
  type RedisNodeInfo,
  type ClusterNodeInfo,
} from "./inspector-types.js";
export type { SearchQuery, SearchOptions, SearchResult, JsonValue } from "./search-types.js";
export type {
  CronEntryStatus,
  CronHealth,
  CronRun,
  CronRunOutcome,
  CronRunTiming,
  CronStatusOptions,
} from "./cron-types.js";
export type { TaskRecord } from "./transfer-types.js";
export type {
  TaskLogLevel,
  TaskLogFields,
  TaskLogger,
  TaskLogLine,
  TaskLogsOptions,
  Checkpoint,
  RunOutcome,
  RunRecord,
  RunHistoryOptions,
  RateLimit,
} from "./task-extras-types.js";
export type { ServerExtrasOptions } from "./server-extras-options.js";
export { Scheduler, entryIdOf, type FireResult } from "./scheduler.js";
export type {
  SchedulerOptions,
  EntrySettings,
  MissedRunPolicy,
  SchedulerEntryRef,
  RegisterOptions,
} from "./scheduler-options.js";
export { CronSpecError, isCronSpecError, parseCronSpec, type CronSchedule } from "./internal/cron/cron-spec.js";
export { describeCronSpec } from "./internal/cron/describe.js";
export {
  PeriodicTaskManager,
  FilePeriodicTaskConfigProvider,
  parsePeriodicTaskEntry,
  type PeriodicTaskConfig,
  type PeriodicTaskConfigProvider,
  type PeriodicTaskManagerOptions,
} from "./periodic-task-manager.js";
