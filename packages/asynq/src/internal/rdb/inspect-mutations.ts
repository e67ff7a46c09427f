// The Inspector's single-task and queue-level mutations against Redis (spec §8, §14, §15.2, §15.4):
// run / archive / delete one task, update a scheduled task's payload, pause, unpause, delete a queue, cancel.
// Bulk "all tasks in a state" operations live in inspect-bulk-mutations.ts.
import {
  AsynqError,
  CorruptRecordError,
  FailedPreconditionError,
  QueueNotEmptyError,
  TaskNotFoundError,
} from "../../errors.js";
import { payloadBytes, type PayloadInput } from "../../task.js";
import * as keys from "../base/keys.js";
import { decodeTaskMessage, encodeTaskMessage } from "../base/message.js";
import { type Clock, unixSeconds } from "../clock.js";
import {
  archiveTimes,
  ARCHIVE_MAX_SIZE,
  BULK_BATCH_SIZE,
  intReply,
  intsReply,
  misplacedTask,
  requireName,
  requireQueue,
  withOp,
} from "./inspect-mutation-support.js";
import { type RedisConnection, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** How often updateTaskPayload re-reads a message that changed between its read and its write. */
const UPDATE_ATTEMPTS = 5;

/** KEYS of the single-task scripts: the task hash and every container a waiting task can be in. */
function taskScriptKeys(queue: string, id: string): string[] {
  return [
    keys.taskKey(queue, id),
    keys.pendingKey(queue),
    keys.scheduledKey(queue),
    keys.retryKey(queue),
    keys.archivedKey(queue),
    keys.completedKey(queue),
    keys.allGroups(queue),
  ];
}

/**
 * Moves a scheduled, retry, archived, completed or aggregating task to pending (Go: RunTask).
 * As in Go, `retried` and the last error stay in the message (quirk Q4), no `pending_since` is written,
 * and a grouped task keeps its `group` hash field (quirk Q9).
 * @throws QueueNotFoundError, TaskNotFoundError, FailedPreconditionError (active or already pending),
 *   CorruptRecordError (the task is not where its state says).
 */
export async function runTask(redis: RedisConnection, _clock: Clock, queue: string, id: string): Promise<void> {
  const op = "inspector.runTask";
  requireName(op, "id", id);
  await withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const args = [id, keys.groupKeyPrefix(queue)];
    const code = intReply(op, await runScript(redis, scripts.inspectRunTask, taskScriptKeys(queue, id), args));
    if (code === 0) throw new TaskNotFoundError(op, queue, id);
    if (code === -1) throw new FailedPreconditionError(op, `task is already running: id=${id}, queue="${queue}"`);
    if (code === -2) {
      throw new FailedPreconditionError(op, `task is already in pending state: id=${id}, queue="${queue}"`);
    }
    if (code === -3) throw misplacedTask(op, queue, id);
  });
}

/**
 * Archives a pending, scheduled, retry, completed or aggregating task (Go: ArchiveTask). As in Go the
 * message is not changed (quirk Q5: no error text) and the archive is trimmed to 90 days / 9 999 tasks;
 * unlike Go's inspector, trimmed tasks' hashes are deleted too (Go v0.25+ workers do the same).
 * @throws QueueNotFoundError, TaskNotFoundError, FailedPreconditionError (active or already archived),
 *   CorruptRecordError.
 */
export async function archiveTask(redis: RedisConnection, clock: Clock, queue: string, id: string): Promise<void> {
  const op = "inspector.archiveTask";
  requireName(op, "id", id);
  await withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const { now, cutoff } = archiveTimes(clock);
    const args = [id, now, cutoff, ARCHIVE_MAX_SIZE, keys.groupKeyPrefix(queue), keys.taskKeyPrefix(queue)];
    const code = intReply(op, await runScript(redis, scripts.inspectArchiveTask, taskScriptKeys(queue, id), args));
    if (code === 0) throw new TaskNotFoundError(op, queue, id);
    if (code === -1) throw new FailedPreconditionError(op, `task is already archived: id=${id}, queue="${queue}"`);
    if (code === -2) {
      throw new FailedPreconditionError(
        op,
        `cannot archive task in active state (id=${id}, queue="${queue}"); use cancelProcessing instead`,
      );
    }
    if (code === -3) throw misplacedTask(op, queue, id);
  });
}

/**
 * Deletes a task that is not active (Go: DeleteTask) and releases its unique lock when the lock still
 * holds this id. Unlike Go, a task whose id is missing from the container its state names is still
 * deleted (its id is swept from every container), so this can clean up inconsistent data.
 * @throws QueueNotFoundError, TaskNotFoundError, FailedPreconditionError (active).
 */
export async function deleteTask(redis: RedisConnection, _clock: Clock, queue: string, id: string): Promise<void> {
  const op = "inspector.deleteTask";
  requireName(op, "id", id);
  await withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const args = [id, keys.groupKeyPrefix(queue)];
    const code = intReply(op, await runScript(redis, scripts.inspectDeleteTask, taskScriptKeys(queue, id), args));
    if (code === 0) throw new TaskNotFoundError(op, queue, id);
    if (code === -1) {
      throw new FailedPreconditionError(
        op,
        `cannot delete task in active state (id=${id}, queue="${queue}"); use cancelProcessing instead`,
      );
    }
  });
}

/**
 * Replaces the payload of a scheduled task (Go v0.26: UpdateTaskPayload); only `msg` is rewritten.
 * As in Go, the unique lock key is not recomputed (quirk Q3). Unlike Go, the write is refused and
 * retried when the message changed after it was read, so a concurrent change is never overwritten.
 * @throws QueueNotFoundError, TaskNotFoundError, FailedPreconditionError (not scheduled), CorruptRecordError.
 */
export async function updateTaskPayload(
  redis: RedisConnection,
  _clock: Clock,
  queue: string,
  id: string,
  payload: PayloadInput,
): Promise<void> {
  const op = "inspector.updateTaskPayload";
  requireName(op, "id", id);
  const bytes = payloadBytes(payload) ?? new Uint8Array(0);
  await withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const key = keys.taskKey(queue, id);
    const notScheduled = (): FailedPreconditionError =>
      new FailedPreconditionError(op, `cannot update task that is not in scheduled state (id=${id}, queue="${queue}")`);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const [old, state] = await redis.hmgetBuffer(key, "msg", "state");
      if (!old && !state && (await redis.exists(key)) === 0) throw new TaskNotFoundError(op, queue, id);
      if (state?.toString() !== "scheduled") throw notScheduled();
      if (!old) throw new CorruptRecordError(op, key, "the task hash has no msg field");
      let msg;
      try {
        msg = decodeTaskMessage(old);
      } catch (e) {
        throw new CorruptRecordError(op, key, "msg is not a valid TaskMessage", { cause: e });
      }
      const next = encodeTaskMessage({ ...msg, payload: bytes });
      const code = intReply(op, await runScript(redis, scripts.inspectUpdateTaskPayload, [key], [next, old]));
      if (code === 1) return;
      if (code === 0) throw new TaskNotFoundError(op, queue, id);
      if (code === -1) throw notScheduled();
    }
    throw new AsynqError(op, "UNAVAILABLE", `task id=${id} kept changing during ${UPDATE_ATTEMPTS} attempts`);
  });
}

/**
 * Pauses a queue: `SETNX asynq:{q}:paused <now s>`. Like Go, the queue need not exist in `asynq:queues`.
 * @throws FailedPreconditionError when the queue is already paused.
 */
export async function pauseQueue(redis: RedisConnection, clock: Clock, queue: string): Promise<void> {
  const op = "inspector.pauseQueue";
  requireName(op, "queue", queue);
  await withOp(op, async () => {
    if ((await redis.setnx(keys.pausedKey(queue), String(unixSeconds(clock)))) === 0) {
      throw new FailedPreconditionError(op, `queue "${queue}" is already paused`);
    }
  });
}

/**
 * Unpauses a queue: `DEL asynq:{q}:paused`. Like Go, the queue need not exist in `asynq:queues`.
 * @throws FailedPreconditionError when the queue is not paused.
 */
export async function unpauseQueue(redis: RedisConnection, _clock: Clock, queue: string): Promise<void> {
  const op = "inspector.unpauseQueue";
  requireName(op, "queue", queue);
  await withOp(op, async () => {
    if ((await redis.del(keys.pausedKey(queue))) === 0) {
      throw new FailedPreconditionError(op, `queue "${queue}" is not paused`);
    }
  });
}

/**
 * Removes a queue (Go: DeleteQueue). Without `force` the queue must have no pending, active, scheduled,
 * retry or archived task; with `force` those tasks are deleted, but never while a task is active.
 * As in Go, completed and aggregating tasks, groups, the paused flag, counters and unique locks stay.
 * Unlike Go's single script, a forced removal deletes at most 1 000 tasks per script call, refusing again
 * at every step if a task became active meanwhile (then some tasks may already be deleted).
 * @throws QueueNotFoundError, QueueNotEmptyError, FailedPreconditionError (active tasks).
 */
export async function deleteQueue(redis: RedisConnection, _clock: Clock, queue: string, force: boolean): Promise<void> {
  const op = "inspector.deleteQueue";
  await withOp(op, async () => {
    await requireQueue(redis, op, queue);
    const queueKeys = [
      keys.pendingKey(queue),
      keys.activeKey(queue),
      keys.scheduledKey(queue),
      keys.retryKey(queue),
      keys.archivedKey(queue),
      keys.leaseKey(queue),
    ];
    if (!force) {
      const code = intReply(op, await runScript(redis, scripts.inspectDeleteQueue, queueKeys, []));
      if (code === -1) throw new QueueNotEmptyError(op, queue);
    } else {
      const args = [keys.taskKeyPrefix(queue), BULK_BATCH_SIZE];
      for (;;) {
        const reply = await runScript(redis, scripts.inspectDeleteQueueForce, queueKeys, args);
        if (reply === -2) {
          throw new FailedPreconditionError(op, `cannot remove queue with active tasks: queue="${queue}"`);
        }
        const [done] = intsReply(op, reply, 2);
        if (done === 1) break;
      }
    }
    await redis.srem(keys.allQueues, queue);
  });
}

/**
 * Asks the server running task `id` to cancel it: `PUBLISH asynq:cancel <id>` (Go: CancelProcessing).
 * Best effort, as in Go: nothing is stored, and only the process running the task reacts.
 */
export async function cancelProcessing(redis: RedisConnection, _clock: Clock, id: string): Promise<void> {
  const op = "inspector.cancelProcessing";
  requireName(op, "id", id);
  await withOp(op, async () => {
    await redis.publish(keys.cancelChannel, id);
  });
}
