// Inspector reads of Vigil's per-task additions: a task's log lines, its last checkpoint and a queue's run
// history. Absent `vigil:` keys (a fleet of Go workers only) read as empty results, never as errors.
import { CorruptRecordError, InvalidOptionError } from "../../errors.js";
import type {
  Checkpoint,
  RunHistoryOptions,
  RunOutcome,
  RunRecord,
  TaskLogFields,
  TaskLogLevel,
  TaskLogLine,
  TaskLogsOptions,
} from "../../task-extras-types.js";
import * as keys from "../base/keys.js";
import type { RedisConnection } from "./run-script.js";

/** Lines returned by taskLogs when no limit is given. */
export const DEFAULT_LOG_LIMIT = 1000;
/** Records returned by runHistory when no limit is given. */
export const DEFAULT_RUN_LIMIT = 100;
/** History records read per round trip while filtering. */
const RUN_PAGE = 1000;

function limitOf(op: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > 100_000) {
    throw new InvalidOptionError(op, "limit", v, "an integer from 1 to 100000");
  }
  return v;
}

function timeMs(op: string, name: string, v: Date | number): number {
  const ms = v instanceof Date ? v.getTime() : v;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new InvalidOptionError(op, name, v, "a Date or epoch ms");
  return Math.floor(ms);
}

const LEVELS: readonly string[] = ["info", "warn", "error"];

function parseFields(text: string | undefined): TaskLogFields {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as TaskLogFields) : { value: v };
  } catch {
    return { raw: text };
  }
}

function toLine(id: string, flat: string[]): TaskLogLine {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  const ts = Number(f.ts);
  return {
    id,
    time: new Date(Number.isFinite(ts) ? ts : Number(id.split("-")[0])),
    level: (LEVELS.includes(f.level ?? "") ? f.level : "info") as TaskLogLevel,
    message: f.msg ?? "",
    fields: parseFields(f.fields),
    retryCount: Number(f.retried) || 0,
  };
}

/**
 * Log lines of one task, oldest first: the newest `limit` lines, or with `since` the first `limit` lines after
 * it (a line id, exclusive; or a time, inclusive). [] when the task never logged or its log expired.
 */
export async function taskLogs(
  redis: RedisConnection,
  queue: string,
  id: string,
  options: TaskLogsOptions = {},
): Promise<TaskLogLine[]> {
  const op = "inspector.taskLogs";
  const limit = limitOf(op, options.limit, DEFAULT_LOG_LIMIT);
  const key = keys.taskLogKey(queue, id);
  const since = options.since;
  let entries: [string, string[]][];
  if (since === undefined) {
    entries = (await redis.xrevrange(key, "+", "-", "COUNT", limit)).reverse();
  } else if (typeof since === "string") {
    if (!/^\d+(-\d+)?$/.test(since))
      throw new InvalidOptionError(op, "since", since, "a line id such as 1732850000123-0");
    entries = await redis.xrange(key, `(${since}`, "+", "COUNT", limit);
  } else {
    // Entry ids carry the time a line was stored (>= when it was logged): start there, filter on `ts`.
    const fromMs = Math.max(0, timeMs(op, "since", since));
    const out: TaskLogLine[] = [];
    for (let start = String(fromMs); out.length < limit;) {
      const page = await redis.xrange(key, start, "+", "COUNT", limit);
      for (const [entryId, flat] of page) {
        const line = toLine(entryId, flat);
        if (line.time.getTime() >= fromMs && out.length < limit) out.push(line);
      }
      if (page.length < limit) break;
      start = `(${page.at(-1)![0]}`;
    }
    return out;
  }
  return entries.map(([entryId, flat]) => toLine(entryId, flat));
}

/** The last checkpoint of a task, or null when it has none (never saved, finished, or expired). */
export async function getCheckpoint(redis: RedisConnection, queue: string, id: string): Promise<Checkpoint | null> {
  const key = keys.checkpointKey(queue, id);
  const text = await redis.get(key);
  if (text === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CorruptRecordError("inspector.getCheckpoint", key, "checkpoint is not JSON", { cause: e });
  }
  const r = v as { state?: unknown; savedAtMs?: unknown; retryCount?: unknown } | null;
  if (r === null || typeof r !== "object" || !("state" in r)) {
    throw new CorruptRecordError("inspector.getCheckpoint", key, "checkpoint has no state");
  }
  return {
    state: r.state,
    savedAt: new Date(typeof r.savedAtMs === "number" ? r.savedAtMs : 0),
    retryCount: typeof r.retryCount === "number" ? r.retryCount : 0,
  };
}

const OUTCOMES: readonly string[] = ["success", "retry", "archived", "revoked", "requeued"];

/** A history member as a RunRecord, or null when it does not decode. */
export function decodeRunRecord(member: string, scoreMs: number): RunRecord | null {
  let v: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(member);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    v = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const str = (x: unknown): string => (typeof x === "string" ? x : "");
  const num = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) ? x : 0);
  if (!str(v.taskId)) return null;
  return {
    taskId: str(v.taskId),
    type: str(v.type),
    queue: str(v.queue),
    startedAt: new Date(num(v.startMs)),
    finishedAt: new Date(scoreMs),
    durationMs: num(v.durationMs),
    outcome: (OUTCOMES.includes(str(v.outcome)) ? v.outcome : str(v.outcome)) as RunOutcome,
    error: str(v.error),
  };
}

/** Finished attempts of a queue, newest first, filtered by time, task id and type. [] without history. */
export async function runHistory(
  redis: RedisConnection,
  queue: string,
  options: RunHistoryOptions = {},
): Promise<RunRecord[]> {
  const op = "inspector.runHistory";
  const limit = limitOf(op, options.limit, DEFAULT_RUN_LIMIT);
  const min = options.since === undefined ? "-inf" : String(timeMs(op, "since", options.since));
  const key = keys.runHistoryKey(queue);
  const filtered = options.taskId !== undefined || options.type !== undefined;
  const out: RunRecord[] = [];
  for (let offset = 0, page = 0; out.length < limit; offset += page) {
    page = filtered ? RUN_PAGE : limit - out.length;
    const flat = await redis.zrevrangebyscore(key, "+inf", min, "WITHSCORES", "LIMIT", offset, page);
    for (let i = 0; i + 1 < flat.length && out.length < limit; i += 2) {
      const r = decodeRunRecord(flat[i]!, Number(flat[i + 1]));
      if (!r) continue;
      if (options.taskId !== undefined && r.taskId !== options.taskId) continue;
      if (options.type !== undefined && r.type !== options.type) continue;
      out.push(r);
    }
    if (flat.length < page * 2) break;
  }
  return out;
}

/** Deletes a task's checkpoint (the task was deleted by an operator); nothing happens when there is none. */
export async function dropCheckpoint(redis: RedisConnection, queue: string, id: string): Promise<void> {
  await redis.del(keys.checkpointKey(queue, id));
}
