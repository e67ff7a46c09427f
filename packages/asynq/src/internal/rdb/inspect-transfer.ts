// Export and import of tasks with their raw bytes (vigil export/import): migrations between Redis instances
// and incident forensics. Export pages through a state; import is idempotent and keeps payloads byte-exact.
import type { Cluster, Redis } from "ioredis";
import { InvalidOptionError } from "../../errors.js";
import type { TaskRecord } from "../../transfer-types.js";
import type { TaskState } from "../../task.js";
import { decodeTaskMessage } from "../base/message.js";
import * as keys from "../base/keys.js";
import { runScript, replyInt } from "./run-script.js";
import { stateZSetKey } from "./inspect-tasks.js";
import { scripts } from "./scripts/index.gen.js";

const ZSET_STATES = ["scheduled", "retry", "archived", "completed"] as const;

function structureKey(queue: string, state: TaskState, group: string): string {
  if (state === "pending") return keys.pendingKey(queue);
  if (state === "active") return keys.activeKey(queue);
  return stateZSetKey(queue, state, group);
}

/**
 * One page of raw task records of a state, oldest first for lists and by score for zsets.
 * `cursor` is the index to start at ("0" first); the next cursor is null at the end.
 */
export async function exportTasks(
  redis: Redis | Cluster,
  queue: string,
  state: TaskState,
  opts: { cursor?: string; count?: number; group?: string },
): Promise<{ records: TaskRecord[]; nextCursor: string | null }> {
  const op = "inspector.exportTasks";
  const count = opts.count ?? 500;
  const start = Number(opts.cursor ?? "0");
  if (!Number.isInteger(start) || start < 0)
    throw new InvalidOptionError(op, "cursor", opts.cursor, "a cursor returned by exportTasks");
  if (state === "aggregating" && !opts.group)
    throw new InvalidOptionError(op, "group", opts.group, "a group name for aggregating tasks");
  const key = structureKey(queue, state, opts.group ?? "");
  const ids: string[] = [];
  const scores = new Map<string, number>();
  if (state === "pending" || state === "active") {
    // Oldest first: the right end of the list.
    const page = await redis.lrange(key, -(start + count), -(start + 1));
    ids.push(...page.reverse());
  } else {
    const flat = await redis.zrange(key, String(start), String(start + count - 1), "WITHSCORES");
    for (let i = 0; i < flat.length; i += 2) {
      ids.push(flat[i]!);
      scores.set(flat[i]!, Number(flat[i + 1]));
    }
  }
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hgetallBuffer(keys.taskKey(queue, id));
  const hashes = (await pipe.exec()) ?? [];
  const records: TaskRecord[] = [];
  ids.forEach((id, i) => {
    const [err, h] = hashes[i] ?? [null, null];
    const hash = (err ? {} : (h as Record<string, Buffer>)) ?? {};
    const fields: Record<string, Uint8Array> = {};
    for (const [f, v] of Object.entries(hash)) if (f !== "msg" && f !== "state") fields[f] = v;
    let problem: string | undefined;
    if (!hash.msg) problem = "task hash missing or has no msg";
    else {
      try {
        decodeTaskMessage(hash.msg);
      } catch (e) {
        problem = `msg does not decode: ${(e as Error).message}`;
      }
    }
    records.push({
      queue,
      id,
      state,
      group: state === "aggregating" ? (opts.group ?? "") : "",
      score: scores.get(id) ?? null,
      msg: hash.msg ?? null,
      fields,
      ...(problem ? { corrupt: problem } : {}),
    });
  });
  return { records, nextCursor: ids.length < count ? null : String(start + count) };
}

/**
 * Writes one exported record back. Returns "imported", or "exists" when a task with its id is already in
 * the queue (nothing changed). Active tasks come back as pending (no worker holds them here); corrupt
 * records are refused with an InvalidOptionError.
 */
export async function importTask(redis: Redis | Cluster, r: TaskRecord): Promise<"imported" | "exists"> {
  const op = "inspector.importTask";
  if (r.corrupt || !r.msg)
    throw new InvalidOptionError(op, "record.msg", r.corrupt ?? "missing", "a record whose msg decodes");
  let msg;
  try {
    msg = decodeTaskMessage(r.msg);
  } catch (e) {
    throw new InvalidOptionError(op, "record.msg", (e as Error).message, "TaskMessage protobuf bytes");
  }
  if (msg.id !== r.id || msg.queue !== r.queue)
    throw new InvalidOptionError(
      op,
      "record.id/queue",
      `${r.queue}/${r.id}`,
      `the msg's own queue/id ${msg.queue}/${msg.id}`,
    );
  const state: TaskState = r.state === "active" ? "pending" : r.state;
  if (!(ZSET_STATES as readonly string[]).includes(state) && state !== "pending" && state !== "aggregating")
    throw new InvalidOptionError(
      op,
      "record.state",
      r.state,
      "pending, active, scheduled, retry, archived, completed, aggregating",
    );
  if (state !== "pending" && (r.score === null || !Number.isFinite(r.score)))
    throw new InvalidOptionError(op, "record.score", r.score, "the zset score (unix seconds) for non-pending states");
  const group = state === "aggregating" ? r.group : "";
  if (state === "aggregating" && !group)
    throw new InvalidOptionError(op, "record.group", group, "the task's group name");
  const pairs: (string | Uint8Array)[] = ["msg", r.msg, "state", state];
  for (const [f, v] of Object.entries(r.fields)) pairs.push(f, v);
  await redis.sadd(keys.allQueues, r.queue);
  const reply = await runScript(
    redis,
    scripts.importTask,
    [keys.taskKey(r.queue, r.id), structureKey(r.queue, state, group), keys.allGroups(r.queue)],
    [state, r.score ?? 0, r.id, group, ...pairs],
  );
  return replyInt(reply) === 1 ? "imported" : "exists";
}
