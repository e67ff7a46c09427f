// Writes tasks straight into Redis in any state, the way Go asynq stores them (spec §2, §4), for the
// Inspector mutation tests (unique locks and groups included). Keys come from the keys module.
import type { ChainableCommander, Redis } from "ioredis";
import * as keys from "../../src/internal/base/keys.js";
import { encodeTaskMessage, newTaskMessage } from "../../src/internal/base/message.js";
import type { TaskState } from "../../src/task.js";

/** One task to write. `score` is the zset score (unix s); `group` is needed for `aggregating`. */
export interface MutationSeed {
  queue: string;
  id: string;
  state: TaskState;
  type?: string;
  payload?: string;
  score?: number;
  group?: string;
  /** Writes the `unique_key` hash field, the message's unique_key and a lock holding the id. */
  uniqueKey?: string;
}

/** Queues `t` on pipeline `p`: the task hash, its container and the groups set (`asynq:queues` is up to the caller). */
export function seedOn(p: ChainableCommander, t: MutationSeed): void {
  const msg = newTaskMessage({
    type: t.type ?? "email:welcome",
    id: t.id,
    queue: t.queue,
    payload: Buffer.from(t.payload ?? JSON.stringify({ id: t.id })),
    retry: 25,
    timeout: 1800,
    uniqueKey: t.uniqueKey ?? "",
    groupKey: t.group ?? "",
  });
  const fields: (string | Buffer)[] = ["msg", Buffer.from(encodeTaskMessage(msg)), "state", t.state];
  if (t.uniqueKey) {
    fields.push("unique_key", t.uniqueKey);
    p.set(t.uniqueKey, t.id);
  }
  if (t.group) fields.push("group", t.group);
  p.hset(keys.taskKey(t.queue, t.id), ...fields);
  const score = String(t.score ?? 1_800_000_000);
  switch (t.state) {
    case "pending":
      p.lpush(keys.pendingKey(t.queue), t.id);
      break;
    case "active":
      p.lpush(keys.activeKey(t.queue), t.id);
      p.zadd(keys.leaseKey(t.queue), score, t.id);
      break;
    case "scheduled":
      p.zadd(keys.scheduledKey(t.queue), score, t.id);
      break;
    case "retry":
      p.zadd(keys.retryKey(t.queue), score, t.id);
      break;
    case "archived":
      p.zadd(keys.archivedKey(t.queue), score, t.id);
      break;
    case "completed":
      p.zadd(keys.completedKey(t.queue), score, t.id);
      break;
    case "aggregating":
      if (!t.group) throw new Error(`aggregating task ${t.id} needs a group`);
      p.zadd(keys.groupKey(t.queue, t.group), score, t.id);
      p.sadd(keys.allGroups(t.queue), t.group);
      break;
  }
}

/**
 * Writes every task in `tasks` (pipelined in chunks of 5 000 per queue, so each pipeline stays in one
 * Redis Cluster slot), then adds their queues to `asynq:queues`.
 */
export async function seed(redis: Redis, tasks: readonly MutationSeed[]): Promise<void> {
  const queues = [...new Set(tasks.map((t) => t.queue))];
  for (const queue of queues) {
    const mine = tasks.filter((t) => t.queue === queue);
    for (let i = 0; i < mine.length; i += 5000) {
      const p = redis.pipeline();
      for (const t of mine.slice(i, i + 5000)) seedOn(p, t);
      const results = (await p.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    }
  }
  if (queues.length > 0) await redis.sadd(keys.allQueues, ...queues);
}

/** `n` tasks in one state with ids `<prefix>-00001` … and scores `base`, `base+1`, … */
export function many(
  queue: string,
  state: TaskState,
  n: number,
  prefix: string = state,
  base = 1_800_000_000,
): MutationSeed[] {
  return Array.from({ length: n }, (_, i) => ({
    queue,
    state,
    id: `${prefix}-${String(i + 1).padStart(5, "0")}`,
    score: base + i,
  }));
}
