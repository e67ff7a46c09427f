// Broker-side writes of Vigil's per-task additions: task log lines (one pipeline per queue), checkpoints, and
// the run-history/checkpoint arguments that ride in the finalization's succeed-many call (see rdb-finalize.ts).
import type { FinalizeOp } from "../base/broker.js";
import type { RunEntry, TaskLogBatch, TaskLogRetention } from "../base/extras.js";
import * as keys from "../base/keys.js";
import { wrap, type RdbContext } from "./rdb-support.js";
import { runScriptPipeline, type ScriptArg, type ScriptCall } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** JSON string literals of task types and queue names, which repeat from task to task (bounded). */
const quoted = new Map<string, string>();

function quote(s: string): string {
  let q = quoted.get(s);
  if (q === undefined) {
    if (quoted.size >= 1024) quoted.clear();
    q = JSON.stringify(s);
    quoted.set(s, q);
  }
  return q;
}

/** The JSON member of a run-history record (the shape `vigil:{q}:runs` readers expect), built without an object. */
export function encodeRunEntry(e: RunEntry): string {
  const error = e.error === "" ? '""' : JSON.stringify(e.error);
  return `{"taskId":${JSON.stringify(e.taskId)},"type":${quote(e.type)},"queue":${quote(e.queue)},"startMs":${e.startMs},"durationMs":${e.durationMs},"outcome":"${e.outcome}","error":${error}}`;
}

/** Splits `items` by queue, keeping their order within each queue. */
function byQueue<T extends { queue: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const list = out.get(it.queue);
    if (list) list.push(it);
    else out.set(it.queue, [it]);
  }
  return out;
}

/**
 * Appends the buffered lines of many tasks: one script call per task, one pipeline per queue (all queues
 * concurrently, so one round trip on a single node). Throws an AsynqError when a call failed.
 */
export async function appendTaskLogs(
  ctx: RdbContext,
  batches: readonly TaskLogBatch[],
  keep: TaskLogRetention,
): Promise<void> {
  await Promise.all(
    [...byQueue(batches)].map(async ([queue, list]) => {
      const calls: ScriptCall[] = list.map((b) => {
        const args: ScriptArg[] = [keep.maxLines, keep.ttlMs, b.retried];
        for (const l of b.lines.slice(-keep.maxLines)) args.push(l.tsMs, l.level, l.message, l.fieldsJson);
        return { script: scripts.taskLogAppend, keys: [keys.taskLogKey(queue, b.taskId)], args };
      });
      const replies = await wrap("broker.appendTaskLogs", () => runScriptPipeline(ctx.redis, calls));
      const failed = replies.find((r): r is Error => r instanceof Error);
      if (failed) await wrap("broker.appendTaskLogs", () => Promise.reject(failed));
    }),
  );
}

/** Saves a task's checkpoint (`json` is the stored record) with a TTL. */
export async function writeCheckpoint(
  ctx: RdbContext,
  queue: string,
  id: string,
  json: string,
  ttlMs: number,
): Promise<void> {
  await wrap("broker.writeCheckpoint", () => ctx.redis.set(keys.checkpointKey(queue, id), json, "PX", ttlMs));
}

/** The stored checkpoint record of a task, or null. */
export function readCheckpoint(ctx: RdbContext, queue: string, id: string): Promise<string | null> {
  return wrap("broker.readCheckpoint", () => ctx.redis.get(keys.checkpointKey(queue, id)));
}

/**
 * The history/checkpoint part of the arguments of a queue's succeed-many call (ARGV[4..] of succeed-many-n.lua):
 * the runs of `ops` go into the queue's history and the checkpoints of tasks that finished for good are
 * deleted. With `ops` empty, the part that writes nothing.
 */
export function historyArgs(queue: string, ops: readonly FinalizeOp[], nowMs: number): ScriptArg[] {
  let keep: { maxEntries: number; retentionMs: number } | undefined;
  let drops: string[] | undefined;
  let runs: ScriptArg[] | undefined;
  for (const x of ops) {
    if (x.dropCheckpoint) (drops ??= []).push(x.msg.id);
    if (x.run) {
      keep ??= x.run.keep;
      (runs ??= []).push(x.run.entry.finishMs, encodeRunEntry(x.run.entry));
    }
  }
  const retentionMs = keep?.retentionMs ?? 0;
  const k = drops?.length ?? 0;
  const r = runs ? runs.length / 2 : 0;
  const head: ScriptArg[] = [
    nowMs - retentionMs,
    keep?.maxEntries ?? 0,
    Math.max(1, retentionMs),
    k === 0 ? "" : keys.checkpointKeyPrefix(queue),
    k,
    r,
  ];
  if (drops) for (const id of drops) head.push(id);
  if (runs) for (const a of runs) head.push(a);
  return head;
}

/** True when one of `ops` writes history or deletes a checkpoint. */
export function hasHistory(ops: readonly FinalizeOp[]): boolean {
  for (const x of ops) if (x.run || x.dropCheckpoint) return true;
  return false;
}
