// Finalization of dequeued tasks (spec §6.4): the script call of each outcome, and the batched path that
// finalizes many tasks in one round trip per queue while keeping each task's Go end state.
import type { FinalizeOp } from "../base/broker.js";
import * as keys from "../base/keys.js";
import { encodeTaskMessage, newTaskMessage, type TaskMessage } from "../base/message.js";
import type { RunEntry, RunHistoryRetention } from "../base/extras.js";
import { utcDate } from "../clock.js";
import { AsynqError } from "../errors.js";
import {
  ARCHIVED_MAX_SIZE,
  MAXI64,
  STATS_TTL_SECONDS,
  archiveCutoffSeconds,
  finalizeFailure,
  isReplyError,
  redisFailure,
  toSeconds,
  type RdbContext,
} from "./rdb-support.js";
import { hasHistory, historyArgs } from "./rdb-extras.js";
import {
  replyArray,
  replyInt,
  runScript,
  runScriptPipeline,
  type Reply,
  type ScriptArg,
  type ScriptCall,
} from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Most items per batch-success script call (keeps Lua argument lists small). */
const SUCCEED_BATCH = 256;

/** Stats keys and expiry shared by the finalizers at `nowMs`. */
function stats(q: string, nowMs: number) {
  const day = utcDate(nowMs);
  return {
    dailyProcessed: keys.processedKey(q, day),
    dailyFailed: keys.failedKey(q, day),
    expiry: toSeconds(nowMs) + STATS_TTL_SECONDS,
  };
}

/** Done (§6.4.1): the plain or unique script call. */
export function doneCall(msg: TaskMessage, nowMs: number): ScriptCall {
  const q = msg.queue;
  const s = stats(q, nowMs);
  const base = [
    keys.activeKey(q),
    keys.leaseKey(q),
    keys.taskKey(q, msg.id),
    s.dailyProcessed,
    keys.processedTotalKey(q),
  ];
  const args = [msg.id, s.expiry, MAXI64];
  return msg.uniqueKey
    ? { script: scripts.doneUnique, keys: [...base, msg.uniqueKey], args }
    : { script: scripts.done, keys: base, args };
}

/** Mark as complete (§6.4.2): completed_at = now, score = now + retention; the plain or unique script call. */
export function markAsCompleteCall(msg: TaskMessage, nowMs: number): ScriptCall {
  const q = msg.queue;
  const now = toSeconds(nowMs);
  const s = stats(q, nowMs);
  const encoded = encodeTaskMessage({ ...msg, completedAt: now });
  const base = [
    keys.activeKey(q),
    keys.leaseKey(q),
    keys.completedKey(q),
    keys.taskKey(q, msg.id),
    s.dailyProcessed,
    keys.processedTotalKey(q),
  ];
  const args = [msg.id, s.expiry, now + msg.retention, encoded, MAXI64];
  return msg.uniqueKey
    ? { script: scripts.markCompleteUnique, keys: [...base, msg.uniqueKey], args }
    : { script: scripts.markComplete, keys: base, args };
}

/**
 * Retry (§6.4.3): error text and last_failed_at set, retried + 1 when the failure counts. With
 * `leaseExpiredByMs` (the recoverer's), only while the task's lease expired at or before that time.
 */
export function retryCall(
  msg: TaskMessage,
  retryAtMs: number,
  errorMsg: string,
  isFailure: boolean,
  nowMs: number,
  leaseExpiredByMs?: number,
): ScriptCall {
  const q = msg.queue;
  const s = stats(q, nowMs);
  const encoded = encodeTaskMessage({
    ...msg,
    retried: isFailure ? msg.retried + 1 : msg.retried,
    errorMsg,
    lastFailedAt: toSeconds(nowMs),
  });
  return {
    script: scripts.retry,
    keys: [
      keys.taskKey(q, msg.id),
      keys.activeKey(q),
      keys.leaseKey(q),
      keys.retryKey(q),
      s.dailyProcessed,
      s.dailyFailed,
      keys.processedTotalKey(q),
      keys.failedTotalKey(q),
    ],
    args: [
      msg.id,
      encoded,
      toSeconds(retryAtMs),
      s.expiry,
      isFailure ? "1" : "0",
      MAXI64,
      ...(leaseExpiredByMs === undefined ? [] : [toSeconds(leaseExpiredByMs)]),
    ],
  };
}

/**
 * Archive (§6.4.4, v0.25+ trimming that deletes trimmed hashes). `raw` replaces the re-encoded msg when
 * given (a msg that could not be decoded is archived byte for byte). With `leaseExpiredByMs` (the
 * recoverer's), only while the task's lease expired at or before that time.
 */
export function archiveCall(
  msg: TaskMessage,
  errorMsg: string,
  nowMs: number,
  raw?: Uint8Array,
  leaseExpiredByMs?: number,
): ScriptCall {
  const q = msg.queue;
  const s = stats(q, nowMs);
  const now = toSeconds(nowMs);
  const encoded = raw ?? encodeTaskMessage({ ...msg, errorMsg, lastFailedAt: now });
  return {
    script: scripts.archive,
    keys: [
      keys.taskKey(q, msg.id),
      keys.activeKey(q),
      keys.leaseKey(q),
      keys.archivedKey(q),
      s.dailyProcessed,
      s.dailyFailed,
      keys.processedTotalKey(q),
      keys.failedTotalKey(q),
    ],
    args: [
      msg.id,
      encoded,
      now,
      archiveCutoffSeconds(nowMs),
      ARCHIVED_MAX_SIZE,
      s.expiry,
      MAXI64,
      keys.taskKeyPrefix(q),
      ...(leaseExpiredByMs === undefined ? [] : [toSeconds(leaseExpiredByMs)]),
    ],
  };
}

/** Requeue (§6.4.5): back to the head of pending, waking idle Vigil servers. */
export function requeueCall(msg: TaskMessage): ScriptCall {
  const q = msg.queue;
  return {
    script: scripts.requeue,
    keys: [keys.activeKey(q), keys.leaseKey(q), keys.pendingKey(q), keys.taskKey(q, msg.id)],
    args: [msg.id, keys.wakeChannel(q)],
  };
}

/** The single-task call of a non-batched op. */
function singleCall(op: FinalizeOp, nowMs: number): ScriptCall {
  switch (op.kind) {
    case "done":
      return doneCall(op.msg, nowMs);
    case "markAsComplete":
      return markAsCompleteCall(op.msg, nowMs);
    case "retry":
      return retryCall(op.msg, op.retryAtMs, op.failure.errorMsg, op.failure.isFailure, nowMs);
    case "archive":
      return archiveCall(op.msg, op.errorMsg, nowMs);
    case "requeue":
      return requeueCall(op.msg);
  }
}

/** The history part of a succeed-many call that writes no history and deletes no checkpoint. */
const NO_HISTORY: readonly ScriptArg[] = [0, 0, 1, "", 0, 0];

/**
 * One succeed-many call for done/markAsComplete ops of queue `q` (at most {@link SUCCEED_BATCH}), carrying
 * `history` (see {@link historyArgs}): the batch's run records and checkpoint deletions, in the same call.
 */
function succeedManyCall(
  q: string,
  ops: readonly FinalizeOp[],
  nowMs: number,
  history: readonly ScriptArg[] = NO_HISTORY,
): ScriptCall {
  const now = toSeconds(nowMs);
  const s = stats(q, nowMs);
  const callKeys = [
    keys.activeKey(q),
    keys.leaseKey(q),
    keys.completedKey(q),
    s.dailyProcessed,
    keys.processedTotalKey(q),
    keys.runHistoryKey(q),
  ];
  let locks: Map<string, number> | undefined;
  const args: ScriptArg[] = [s.expiry, MAXI64, keys.taskKeyPrefix(q)];
  for (const a of history) args.push(a);
  for (const op of ops) {
    const m = op.msg;
    let lock = 0;
    if (m.uniqueKey) {
      locks ??= new Map();
      lock = locks.get(m.uniqueKey) ?? 0;
      if (lock === 0) {
        callKeys.push(m.uniqueKey);
        lock = callKeys.length;
        locks.set(m.uniqueKey, lock);
      }
    }
    if (op.kind === "markAsComplete")
      args.push(m.id, now + m.retention, encodeTaskMessage({ ...m, completedAt: now }), lock);
    else args.push(m.id, 0, "", lock);
  }
  return { script: scripts.succeedMany, keys: callKeys, args };
}

/** Appends `entries` to `queue`'s run history (a succeed-many call with no items); throws on Redis errors. */
export async function recordRuns(
  ctx: RdbContext,
  queue: string,
  entries: readonly RunEntry[],
  keep: RunHistoryRetention,
): Promise<void> {
  const nowMs = ctx.clock.nowMs();
  const ops: FinalizeOp[] = entries.map((entry) => ({
    kind: "done",
    msg: newTaskMessage({ type: entry.type, id: entry.taskId, queue }),
    run: { entry, keep },
  }));
  const call = succeedManyCall(queue, [], nowMs, historyArgs(queue, ops, nowMs));
  await runScript(ctx.redis, call.script, call.keys, call.args);
}

/**
 * `calls` in one round trip: a pipeline, or (the usual batch: one queue, all successes) the single call on
 * its own, which spares an ioredis Pipeline per flush. Script errors come back per call either way; a
 * transport failure throws.
 */
async function runCalls(ctx: RdbContext, calls: readonly ScriptCall[]): Promise<Reply[]> {
  if (calls.length !== 1) return runScriptPipeline(ctx.redis, calls);
  const c = calls[0]!;
  try {
    return [await runScript(ctx.redis, c.script, c.keys, c.args)];
  } catch (e) {
    if (isReplyError(e)) return [e];
    throw e;
  }
}

/** The error of one item code of succeed-many (see succeed-many-n.lua), or null. */
function succeedCodeError(op: string, msg: TaskMessage, code: number): Error | null {
  if (code === 1) return null;
  if (code === -3) return finalizeFailure(op, msg.queue, msg.id, replyError("INTERNAL"));
  return finalizeFailure(op, msg.queue, msg.id, replyError("NOT FOUND"));
}

function replyError(message: string): Error {
  const e = new Error(message);
  e.name = "ReplyError";
  return e;
}

const opName: Record<FinalizeOp["kind"], string> = {
  done: "broker.done",
  markAsComplete: "broker.markAsComplete",
  retry: "broker.retry",
  archive: "broker.archive",
  requeue: "broker.requeue",
};

/**
 * Finalizes `ops` in one pipeline per queue (all pipelines concurrently, so one round trip on a single
 * node; per-queue pipelines keep Redis Cluster slots apart). Successes of a queue share batch script calls;
 * other outcomes use their single-task scripts. Returns null or the typed error per op, in order.
 */
export async function finalizeMany(ctx: RdbContext, ops: readonly FinalizeOp[]): Promise<Array<Error | null>> {
  const nowMs = ctx.clock.nowMs();
  const results: Array<Error | null> = ops.map(() => null);
  const byQueue = new Map<string, number[]>();
  ops.forEach((op, i) => {
    const list = byQueue.get(op.msg.queue);
    if (list) list.push(i);
    else byQueue.set(op.msg.queue, [i]);
  });
  await Promise.all(
    [...byQueue].map(async ([q, indexes]) => {
      const calls: ScriptCall[] = [];
      const owners: number[][] = [];
      const queueOps = indexes.length === ops.length ? ops : indexes.map((i) => ops[i]!);
      // The queue's run records and checkpoint deletions ride in its first succeed-many call.
      let history = hasHistory(queueOps) ? historyArgs(q, queueOps, nowMs) : undefined;
      const successes: number[] = [];
      for (const i of indexes) {
        const kind = ops[i]!.kind;
        if (kind === "done" || kind === "markAsComplete") successes.push(i);
      }
      for (let k = 0; k < successes.length; k += SUCCEED_BATCH) {
        const chunk = successes.length <= SUCCEED_BATCH ? successes : successes.slice(k, k + SUCCEED_BATCH);
        calls.push(
          succeedManyCall(
            q,
            chunk.map((i) => ops[i]!),
            nowMs,
            history,
          ),
        );
        history = undefined;
        owners.push(chunk);
      }
      if (successes.length !== indexes.length) {
        const batched = new Set(successes);
        for (const i of indexes) {
          if (batched.has(i)) continue;
          calls.push(singleCall(ops[i]!, nowMs));
          owners.push([i]);
        }
      }
      if (history) {
        calls.push(succeedManyCall(q, [], nowMs, history)); // no success to carry the history: a call of its own
        owners.push([]);
      }
      let replies: Reply[];
      try {
        replies = await runCalls(ctx, calls);
      } catch (e) {
        for (const i of indexes) results[i] = redisFailure(opName[ops[i]!.kind], e);
        return;
      }
      replies.forEach((reply, c) => {
        const owned = owners[c]!;
        if (reply instanceof Error) {
          for (const i of owned) results[i] = finalizeFailure(opName[ops[i]!.kind], q, ops[i]!.msg.id, reply);
          return;
        }
        if (calls[c]!.script !== scripts.succeedMany) return;
        try {
          const codes = replyArray(reply);
          owned.forEach((i, n) => {
            results[i] = succeedCodeError(opName[ops[i]!.kind], ops[i]!.msg, replyInt(codes[n] ?? null));
          });
        } catch (e) {
          for (const i of owned)
            results[i] = new AsynqError(opName[ops[i]!.kind], "INTERNAL", "unexpected succeed-many reply", {
              cause: e,
            });
        }
      });
    }),
  );
  return results;
}
