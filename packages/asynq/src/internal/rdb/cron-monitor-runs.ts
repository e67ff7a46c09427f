// Runs of cron entries for the monitor: Go's scheduler history merged with Vigil's durable run log, and what
// became of each run's task (task hash, else Vigil's per-queue run history).
import type { CronRunOutcome } from "../../cron-types.js";
import { isTaskState } from "../../task.js";
import { decodeSchedulerEnqueueEvent } from "../base/info.js";
import * as keys from "../base/keys.js";
import { decodeTaskMessage } from "../base/message.js";
import type { RedisConnection } from "./run-script.js";

/** Newest finished attempts read per queue from Vigil's run history when looking up outcomes. */
export const RUN_HISTORY_SCAN = 10_000;

/** One enqueue of a cron entry, from either log. */
export interface EntryRun {
  taskId: string;
  /** The queue the run log names, or null when only Go's history knows the run. */
  queue: string | null;
  enqueuedMs: number;
  manual: boolean;
  /** The tick Vigil's run log names, if any. */
  tickMs: number | null;
}

/** What became of one run's task. */
export interface RunFate {
  outcome: CronRunOutcome;
  error: string;
  durationMs: number | null;
}

function record(json: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/**
 * Runs of one entry enqueued at or after `fromMs`, oldest first: Go's `asynq:scheduler_history:<id>` (members
 * that do not decode are skipped) and Vigil's `vigil:cron:runs:<id>`, merged by task id (Vigil's record wins:
 * it knows the queue, the tick and whether the run was manual).
 */
export async function readEntryRuns(redis: RedisConnection, entryId: string, fromMs: number): Promise<EntryRun[]> {
  const [goEvents, vigilRuns] = await Promise.all([
    redis.zrangebyscoreBuffer(keys.schedulerHistoryKey(entryId), Math.floor(fromMs / 1000), "+inf"),
    redis.zrangebyscore(keys.cronRunsKey(entryId), fromMs, "+inf", "WITHSCORES"),
  ]);
  const byTask = new Map<string, EntryRun>();
  for (const bytes of goEvents) {
    try {
      const e = decodeSchedulerEnqueueEvent(bytes);
      if (e.taskId === "" || e.enqueueTime === null) continue;
      byTask.set(e.taskId, {
        taskId: e.taskId,
        queue: null,
        enqueuedMs: e.enqueueTime.getTime(),
        manual: false,
        tickMs: null,
      });
    } catch {
      // An undecodable event says nothing usable; `vigil cron history` shows it as corrupt.
    }
  }
  for (let i = 0; i + 1 < vigilRuns.length; i += 2) {
    const r = record(vigilRuns[i]!);
    const taskId = str(r?.taskId);
    if (!r || !taskId) continue;
    const enqueuedMs = num(r.enqueuedMs) ?? Number(vigilRuns[i + 1]);
    byTask.set(taskId, {
      taskId,
      queue: str(r.queue),
      enqueuedMs: Number.isFinite(enqueuedMs) ? enqueuedMs : (byTask.get(taskId)?.enqueuedMs ?? 0),
      manual: r.manual === true,
      tickMs: num(r.tickMs),
    });
  }
  return [...byTask.values()].filter((r) => r.enqueuedMs >= fromMs).sort((a, b) => a.enqueuedMs - b.enqueuedMs);
}

/** A finished attempt in Vigil's run history. */
interface Attempt {
  failed: boolean;
  error: string;
  durationMs: number | null;
}

/** Latest final attempt per task id in `vigil:{q}:runs` since `fromMs` (requeues are not final). */
async function latestAttempts(redis: RedisConnection, queue: string, fromMs: number): Promise<Map<string, Attempt>> {
  const members = await redis.zrevrangebyscore(keys.runHistoryKey(queue), "+inf", fromMs, "LIMIT", 0, RUN_HISTORY_SCAN);
  const out = new Map<string, Attempt>();
  for (const m of members) {
    const r = record(m);
    const taskId = str(r?.taskId);
    const outcome = str(r?.outcome) ?? "";
    if (!r || !taskId || out.has(taskId) || /requeue/i.test(outcome)) continue;
    const error = str(r.error) ?? "";
    const failed = error !== "" || /fail|retry|archiv|error|panic|timeout|dead/i.test(outcome);
    out.set(taskId, { failed, error, durationMs: num(r.durationMs) });
  }
  return out;
}

/**
 * The fate of each run's task (keyed by task id), looked up per queue: one pipeline of HMGET state+msg per
 * queue (one Cluster slot each), then Vigil's run history of that queue for durations and vanished tasks.
 */
export async function readRunFates(
  redis: RedisConnection,
  runs: readonly { taskId: string; queue: string; enqueuedMs: number }[],
): Promise<Map<string, RunFate>> {
  const byQueue = new Map<string, { taskId: string; enqueuedMs: number }[]>();
  for (const r of runs) {
    const list = byQueue.get(r.queue);
    if (list) list.push(r);
    else byQueue.set(r.queue, [r]);
  }
  const fates = new Map<string, RunFate>();
  await Promise.all(
    [...byQueue].map(async ([queue, list]) => {
      const pipe = redis.pipeline();
      for (const r of list) pipe.hmgetBuffer(keys.taskKey(queue, r.taskId), "state", "msg");
      const from = Math.min(...list.map((r) => r.enqueuedMs));
      const [replies, attempts] = await Promise.all([pipe.exec(), latestAttempts(redis, queue, from)]);
      list.forEach((r, i) => {
        const [err, value] = replies?.[i] ?? [null, null];
        const [state, msg] = (err ? [null, null] : (value as (Buffer | null)[])) ?? [null, null];
        const attempt = attempts.get(r.taskId);
        const durationMs = attempt?.durationMs ?? null;
        const stateText = state?.toString("utf8");
        if (isTaskState(stateText)) {
          let error = "";
          try {
            if (msg) error = decodeTaskMessage(msg).errorMsg;
          } catch {
            // The state alone still tells the outcome.
          }
          fates.set(r.taskId, { outcome: stateText, error, durationMs });
        } else if (attempt) {
          fates.set(r.taskId, {
            outcome: attempt.failed ? "gone-after-error" : "succeeded",
            error: attempt.error,
            durationMs,
          });
        } else {
          fates.set(r.taskId, { outcome: "gone-presumed-success", error: "", durationMs: null });
        }
      });
    }),
  );
  return fates;
}
