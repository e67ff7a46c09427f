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
  return encodeRunEntryFlat(e) ?? encodeRunEntryConcat(e);
}

function encodeRunEntryConcat(e: RunEntry): string {
  const error = e.error === "" ? '""' : JSON.stringify(e.error);
  return `{"taskId":${JSON.stringify(e.taskId)},"type":${quote(e.type)},"queue":${quote(e.queue)},"startMs":${e.startMs},"durationMs":${e.durationMs},"outcome":"${e.outcome}","error":${error}}`;
}

/**
 * Scratch space of encodeRunEntryFlat. A template literal makes a rope of ~15 cons strings that is flattened
 * (copied) again when the command is written; building the bytes here makes one flat string and nothing else.
 */
const scratch = Buffer.allocUnsafeSlow(512);
let at = 0;

/** encodeRunEntry for the usual record: all text printable ASCII that JSON leaves unescaped; else undefined. */
function encodeRunEntryFlat(e: RunEntry): string | undefined {
  at = 0;
  const ok =
    putRaw('{"taskId":"') &&
    putPlain(e.taskId) &&
    putRaw('","type":"') &&
    putPlain(e.type) &&
    putRaw('","queue":"') &&
    putPlain(e.queue) &&
    putRaw('","startMs":') &&
    putNumber(e.startMs) &&
    putRaw(',"durationMs":') &&
    putNumber(e.durationMs) &&
    putRaw(',"outcome":"') &&
    putPlain(e.outcome) &&
    putRaw('","error":"') &&
    putPlain(e.error) &&
    putRaw('"}');
  return ok ? scratch.toString("latin1", 0, at) : undefined;
}

/** Appends ASCII `s` as is; false when it does not fit. */
function putRaw(s: string): boolean {
  const n = s.length;
  if (at + n > scratch.length) return false;
  for (let i = 0; i < n; i++) scratch[at++] = s.charCodeAt(i);
  return true;
}

/** Appends `s` when JSON.stringify leaves it unescaped and it is ASCII (its bytes then are its chars). */
function putPlain(s: string): boolean {
  const n = s.length;
  if (at + n > scratch.length) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return false;
    scratch[at++] = c;
  }
  return true;
}

/** Appends `n` as a template literal would (for a finite number, what JSON.stringify gives). */
function putNumber(n: number): boolean {
  if (!(Number.isSafeInteger(n) && n >= 0)) return putRaw(String(n));
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  if (at + digits > scratch.length) return false;
  for (let i = at + digits - 1; i >= at; i--) {
    scratch[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  at += digits;
  return true;
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
  // Two passes over `ops` (count, then fill): the arguments are built in one array of the final size.
  let keep: { maxEntries: number; retentionMs: number } | undefined;
  let k = 0;
  let r = 0;
  for (let i = 0; i < ops.length; i++) {
    const x = ops[i]!;
    if (x.dropCheckpoint) k++;
    if (x.run) {
      keep ??= x.run.keep;
      r++;
    }
  }
  const retentionMs = keep?.retentionMs ?? 0;
  const args = new Array<ScriptArg>(6 + k + 2 * r);
  args[0] = nowMs - retentionMs;
  args[1] = keep?.maxEntries ?? 0;
  args[2] = Math.max(1, retentionMs);
  args[3] = k === 0 ? "" : keys.checkpointKeyPrefix(queue);
  args[4] = k;
  args[5] = r;
  let d = 6;
  let w = 6 + k;
  for (let i = 0; i < ops.length; i++) {
    const x = ops[i]!;
    if (x.dropCheckpoint) args[d++] = x.msg.id;
    if (x.run) {
      args[w++] = x.run.entry.finishMs;
      args[w++] = encodeRunEntry(x.run.entry);
    }
  }
  return args;
}

/** True when one of `ops` writes history or deletes a checkpoint. */
export function hasHistory(ops: readonly FinalizeOp[]): boolean {
  for (const x of ops) if (x.run || x.dropCheckpoint) return true;
  return false;
}
