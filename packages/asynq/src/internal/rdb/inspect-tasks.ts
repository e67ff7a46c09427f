// Task reads of the Inspector: one page of a state's list or zset, and one task by id (spec §15.1).
// A listed id whose hash is missing or whose msg does not decode becomes a CorruptTaskInfo item.
import { CorruptRecordError, InvalidOptionError, TaskNotFoundError } from "../../errors.js";
import type { ListOptions } from "../../inspector-types.js";
import { type CorruptTaskInfo, type TaskInfo, type TaskState, isTaskState, toTaskInfo } from "../../task.js";
import * as keys from "../base/keys.js";
import { type TaskMessage, decodeTaskMessage } from "../base/message.js";
import { type Clock, unixSeconds } from "../clock.js";
import { type RedisConnection, type Reply, replyArray, replyString, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Page size when none is given (as Go). */
export const DEFAULT_PAGE_SIZE = 30;

/** A listed task, or the stand-in for one that could not be read. */
export type ListedTask = TaskInfo | CorruptTaskInfo;

/** 0-based inclusive rank range of a page. */
export interface PageRange {
  start: number;
  stop: number;
}

/** Validates list options (page ≥ 1, size ≥ 1, integers) and turns them into a rank range. */
export function pageRange(op: string, opts: ListOptions = {}): PageRange {
  const page = opts.page ?? 1;
  const size = opts.size ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(page) || page < 1) throw new InvalidOptionError(op, "page", page, "an integer >= 1");
  if (!Number.isSafeInteger(size) || size < 1) throw new InvalidOptionError(op, "size", size, "an integer >= 1");
  const start = (page - 1) * size;
  return { start, stop: start + size - 1 };
}

function bytes(r: Reply | undefined): Uint8Array | null {
  return Buffer.isBuffer(r) && r.length > 0 ? new Uint8Array(r) : null;
}

function scoreDate(r: Reply | undefined): Date | null {
  const s = r === undefined ? null : replyString(r);
  return s === null ? null : new Date(Number(s) * 1000);
}

/** Decodes `msg` of the task `id`; returns the message or why it cannot be read. */
function decodeListed(id: string, msg: Reply | undefined, state: Reply | undefined): TaskMessage | string {
  if (!Buffer.isBuffer(msg)) return Buffer.isBuffer(state) ? "task hash has no msg field" : "task hash is missing";
  let m: TaskMessage;
  try {
    m = decodeTaskMessage(msg);
  } catch (e) {
    return `msg does not decode: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (m.id !== id) return `msg holds task id ${JSON.stringify(m.id)}, not the listed id`;
  return m;
}

function corrupt(queue: string, id: string, state: TaskState, reason: string): CorruptTaskInfo {
  return { corrupt: true, id, queue, key: keys.taskKey(queue, id), reason, state };
}

/**
 * One page of pending or active tasks, oldest first (the list's right end is the oldest).
 * Pending tasks get nextProcessAt = now; active tasks are orphaned when their lease score ≤ now.
 */
export async function listListTasks(
  redis: RedisConnection,
  queue: string,
  state: "pending" | "active",
  range: PageRange,
  clock: Clock,
): Promise<ListedTask[]> {
  const listKey = state === "pending" ? keys.pendingKey(queue) : keys.activeKey(queue);
  const reply = await runScript(
    redis,
    scripts.listPage,
    [listKey, keys.leaseKey(queue)],
    [-(range.stop + 1), -(range.start + 1), keys.taskKeyPrefix(queue)],
  );
  const r = replyArray(reply);
  const now = new Date(clock.nowMs());
  const nowS = unixSeconds(clock);
  const out: ListedTask[] = [];
  for (let i = 0; i + 4 < r.length; i += 5) {
    const id = replyString(r[i]!) ?? "";
    const m = decodeListed(id, r[i + 1], r[i + 2]);
    if (typeof m === "string") {
      out.push(corrupt(queue, id, state, m));
      continue;
    }
    const lease = scoreDate(r[i + 4]);
    const orphaned = state === "active" && lease !== null && lease.getTime() <= nowS * 1000;
    out.push(toTaskInfo(m, state, state === "pending" ? now : null, bytes(r[i + 3]), orphaned));
  }
  return out.reverse();
}

/** The zset holding tasks of `state` (the group's zset for aggregating). */
export function stateZSetKey(queue: string, state: Exclude<TaskState, "pending" | "active">, group = ""): string {
  switch (state) {
    case "scheduled":
      return keys.scheduledKey(queue);
    case "retry":
      return keys.retryKey(queue);
    case "archived":
      return keys.archivedKey(queue);
    case "completed":
      return keys.completedKey(queue);
    case "aggregating":
      return keys.groupKey(queue, group);
  }
}

/**
 * One page of a zset of tasks, lowest score first. Scheduled and retry tasks get nextProcessAt = their
 * score; the others none. `group` names the group for aggregating tasks.
 */
export async function listZSetTasks(
  redis: RedisConnection,
  queue: string,
  state: Exclude<TaskState, "pending" | "active">,
  range: PageRange,
  group = "",
): Promise<ListedTask[]> {
  const reply = await runScript(
    redis,
    scripts.zsetPage,
    [stateZSetKey(queue, state, group)],
    [range.start, range.stop, keys.taskKeyPrefix(queue)],
  );
  const r = replyArray(reply);
  const withScore = state === "scheduled" || state === "retry";
  const out: ListedTask[] = [];
  for (let i = 0; i + 4 < r.length; i += 5) {
    const id = replyString(r[i]!) ?? "";
    const m = decodeListed(id, r[i + 2], r[i + 3]);
    if (typeof m === "string") out.push(corrupt(queue, id, state, m));
    else out.push(toTaskInfo(m, state, withScore ? scoreDate(r[i + 1]) : null, bytes(r[i + 4])));
  }
  return out;
}

/**
 * One task by id. Throws TaskNotFoundError when its hash is missing and CorruptRecordError when the
 * hash has no valid state or msg. Active tasks report isOrphaned from their lease.
 */
export async function getTaskInfo(redis: RedisConnection, queue: string, id: string, clock: Clock): Promise<TaskInfo> {
  const op = "inspector.getTaskInfo";
  const key = keys.taskKey(queue, id);
  const reply = await runScript(
    redis,
    scripts.taskInfo,
    [key, keys.scheduledKey(queue), keys.retryKey(queue), keys.leaseKey(queue)],
    [id],
  );
  if (!Array.isArray(reply)) throw new TaskNotFoundError(op, queue, id);
  const [msg, stateReply, result, score, lease] = reply;
  const state = stateReply === undefined ? null : replyString(stateReply);
  if (!isTaskState(state)) throw new CorruptRecordError(op, key, `task hash has state ${JSON.stringify(state)}`);
  if (!Buffer.isBuffer(msg)) throw new CorruptRecordError(op, key, "task hash has no msg field");
  let m: TaskMessage;
  try {
    m = decodeTaskMessage(msg);
  } catch (e) {
    throw new CorruptRecordError(op, key, "msg does not decode", { cause: e });
  }
  const leaseAt = scoreDate(lease);
  const nextProcessAt = state === "pending" ? new Date(clock.nowMs()) : scoreDate(score);
  const orphaned = leaseAt !== null && leaseAt.getTime() <= unixSeconds(clock) * 1000;
  return toTaskInfo(m, state, nextProcessAt, bytes(result), orphaned);
}
