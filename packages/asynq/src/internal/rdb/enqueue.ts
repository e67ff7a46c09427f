// Turns a task plus resolved options into the TaskMessage and the one script call that writes it
// (routing of spec §5.1 onto §5.2-§5.7), and a script reply into a TaskInfo or a typed error.
import { AsynqError } from "../errors.js";
import { DuplicateTaskError, TaskIdConflictError } from "../../errors.js";
import { toTaskInfo, type TaskInfo, type TaskState } from "../../task.js";
import { msToNs } from "../base/duration.js";
import type { ResolvedEnqueueOptions } from "../base/enqueue-options.js";
import * as keys from "../base/keys.js";
import { encodeTaskMessage, newTaskMessage, type TaskMessage } from "../base/message.js";
import { replyInt, type Reply, type ScriptCall } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Everything needed to write one task and to report the outcome. */
export interface EnqueuePlan {
  readonly msg: TaskMessage;
  /** The state the task lands in. */
  readonly state: Extract<TaskState, "pending" | "scheduled" | "aggregating">;
  /** The script call that writes it. */
  readonly call: ScriptCall;
  /** TaskInfo.nextProcessAt: process-at (scheduled), now (pending) or null (aggregating). */
  readonly nextProcessAt: Date | null;
}

/** Whole seconds of a lock TTL given in ms: truncated, at least 1 (SET EX rejects 0). */
function lockSeconds(ms: number): number {
  return Math.max(1, Math.trunc(ms / 1000));
}

/**
 * Builds the message and picks the route at `nowMs`: process-at strictly after now → scheduled
 * (even with a group, Go quirk Q1), else a group → aggregating, else pending. The unique variants
 * take the lock with TTL = unique TTL, or (scheduled) process-at + unique TTL − now, truncated.
 * With `wake`, a pending task's script also publishes on the queue's wake channel (enqueueMany publishes
 * once per queue and chunk instead).
 */
export function planEnqueue(
  type: string,
  payload: Uint8Array | null,
  o: ResolvedEnqueueOptions,
  nowMs: number,
  wake = true,
): EnqueuePlan {
  const unique = o.uniqueTtlMs > 0;
  const lockKey = unique ? keys.uniqueKey(o.queue, type, payload) : "";
  const msg = newTaskMessage({
    type,
    payload: payload ?? new Uint8Array(0),
    headers: { ...o.headers },
    id: o.taskId,
    queue: o.queue,
    retry: o.maxRetry,
    timeout: o.timeoutSeconds,
    deadline: o.deadlineSeconds,
    uniqueKey: lockKey,
    groupKey: o.group,
    retention: o.retentionSeconds,
  });
  const bytes = encodeTaskMessage(msg);
  const id = o.taskId;
  const taskKey = keys.taskKey(o.queue, id);

  if (o.processAtMs > nowMs) {
    const score = Math.floor(o.processAtMs / 1000);
    const call: ScriptCall = unique
      ? {
          script: scripts.scheduleUnique,
          keys: [lockKey, taskKey, keys.scheduledKey(o.queue)],
          args: [id, lockSeconds(o.processAtMs + o.uniqueTtlMs - nowMs), score, bytes],
        }
      : { script: scripts.schedule, keys: [taskKey, keys.scheduledKey(o.queue)], args: [bytes, score, id] };
    return { msg, state: "scheduled", call, nextProcessAt: new Date(o.processAtMs) };
  }
  if (o.group !== "") {
    const groupKeys = [taskKey, keys.groupKey(o.queue, o.group), keys.allGroups(o.queue)];
    const args = [bytes, id, Math.floor(nowMs / 1000), o.group];
    const call: ScriptCall = unique
      ? {
          script: scripts.addToGroupUnique,
          keys: [...groupKeys, lockKey],
          args: [...args, lockSeconds(o.uniqueTtlMs)],
        }
      : { script: scripts.addToGroup, keys: groupKeys, args };
    return { msg, state: "aggregating", call, nextProcessAt: null };
  }
  const nowNs = msToNs(nowMs);
  // Vigil's wake-up: the script PUBLISHes on vigil:{q}:wake so idle Vigil servers start the task at once.
  const wakeArg = wake ? [keys.wakeChannel(o.queue)] : [];
  const call: ScriptCall = unique
    ? {
        script: scripts.enqueueUnique,
        keys: [lockKey, taskKey, keys.pendingKey(o.queue)],
        args: [id, lockSeconds(o.uniqueTtlMs), bytes, nowNs, ...wakeArg],
      }
    : { script: scripts.enqueue, keys: [taskKey, keys.pendingKey(o.queue)], args: [bytes, id, nowNs, ...wakeArg] };
  return { msg, state: "pending", call, nextProcessAt: new Date(nowMs) };
}

/** Wraps a Redis failure (transport or error reply) into an {@link AsynqError} that keeps the cause. */
export function redisError(op: string, e: unknown): AsynqError {
  if (e instanceof AsynqError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const transport = !(e instanceof Error) || e.name !== "ReplyError";
  return new AsynqError(op, transport ? "UNAVAILABLE" : "INTERNAL", `${op}: redis: ${message}`, { cause: e });
}

/** Reads the script reply of a plan: 1 → TaskInfo; 0 → {@link TaskIdConflictError}; -1 → {@link DuplicateTaskError}. */
export function planOutcome(op: string, plan: EnqueuePlan, reply: Reply): TaskInfo | AsynqError {
  if (reply instanceof Error) return redisError(op, reply);
  let code: number;
  try {
    code = replyInt(reply);
  } catch (e) {
    return new AsynqError(op, "INTERNAL", `${op}: unexpected script reply`, { cause: e });
  }
  switch (code) {
    case 1:
      return toTaskInfo(plan.msg, plan.state, plan.nextProcessAt, null);
    case 0:
      return new TaskIdConflictError(op, plan.msg.queue, plan.msg.id);
    case -1:
      return new DuplicateTaskError(op, plan.msg.queue, plan.msg.uniqueKey);
    default:
      return new AsynqError(op, "INTERNAL", `${op}: unexpected script reply ${code}`);
  }
}
