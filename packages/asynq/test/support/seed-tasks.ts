// Writes tasks straight into Redis in any state (task hash + list/zset, groups, unique locks, asynq:queues)
// through keys.ts and the message codec, for tests that need exact fixtures or many tasks fast.
// Not a Client: no checks. One pipeline per queue, so it also works on Redis Cluster.
import type { Cluster, Redis } from "ioredis";
import * as keys from "../../src/internal/base/keys.js";
import { type TaskMessage, encodeTaskMessage, newTaskMessage } from "../../src/internal/base/message.js";
import type { TaskState } from "../../src/task.js";

/** One task to write. Message fields not given take Go's enqueue defaults (retry 25, timeout 1800 s). */
export interface SeedTask extends Partial<Omit<TaskMessage, "id" | "queue" | "groupKey">> {
  queue: string;
  id: string;
  state: TaskState;
  /** Zset score (unix s) for scheduled/retry/archived/completed/aggregating. @defaultValue 0 */
  score?: number;
  /** Group name: msg group_key, plus the hash `group` field and the group zset for aggregating tasks. */
  group?: string;
  /** When set: msg unique_key, hash `unique_key`, and the lock key SET to the task id (no TTL). */
  uniqueKey?: string;
  /** pending_since as epoch ms (stored as unix ns); only written when given. */
  pendingSinceMs?: number;
  /** Lease expiry unix s of an active task; the lease is only written when given. */
  leaseAt?: number;
  /** Handler result bytes (hash `result`). */
  result?: Uint8Array | string;
}

/** `n` tasks of one state with ids `<prefix>-00001`, `<prefix>-00002`, ... (oldest first), all with `score`. */
export function manyTasks(
  queue: string,
  state: TaskState,
  n: number,
  prefix: string = state,
  score?: number,
): SeedTask[] {
  return Array.from({ length: n }, (_, i) => ({
    queue,
    id: `${prefix}-${String(i + 1).padStart(5, "0")}`,
    state,
    ...(score === undefined ? {} : { score }),
  }));
}

function containerKey(t: SeedTask): string {
  switch (t.state) {
    case "pending":
      return keys.pendingKey(t.queue);
    case "active":
      return keys.activeKey(t.queue);
    case "scheduled":
      return keys.scheduledKey(t.queue);
    case "retry":
      return keys.retryKey(t.queue);
    case "archived":
      return keys.archivedKey(t.queue);
    case "completed":
      return keys.completedKey(t.queue);
    case "aggregating":
      return keys.groupKey(t.queue, t.group ?? "");
  }
}

type Pipeline = ReturnType<Redis["pipeline"]>;

function write(pipe: Pipeline, t: SeedTask): void {
  const { queue, id, state, score, group, uniqueKey, pendingSinceMs, leaseAt, result, ...fields } = t;
  const msg = newTaskMessage({ type: "test:task", retry: 25, timeout: 1800, ...fields, id, queue });
  msg.groupKey = group ?? "";
  msg.uniqueKey = uniqueKey ?? "";
  const hash: (string | Buffer)[] = ["msg", Buffer.from(encodeTaskMessage(msg)), "state", state];
  if (pendingSinceMs !== undefined) hash.push("pending_since", String(BigInt(pendingSinceMs) * 1_000_000n));
  if (state === "aggregating") hash.push("group", group ?? "");
  if (uniqueKey) hash.push("unique_key", uniqueKey);
  if (result !== undefined) hash.push("result", Buffer.from(result));
  pipe.hset(keys.taskKey(queue, id), ...hash);
  if (state === "pending" || state === "active") pipe.lpush(containerKey(t), id);
  else pipe.zadd(containerKey(t), String(score ?? 0), id);
  if (state === "aggregating") pipe.sadd(keys.allGroups(queue), group ?? "");
  if (state === "active" && leaseAt !== undefined) pipe.zadd(keys.leaseKey(queue), String(leaseAt), id);
  if (uniqueKey) pipe.set(uniqueKey, id);
}

/**
 * Writes `tasks` (list states are LPUSHed in the order given, so the first is the oldest) in pipelines of
 * `batch` tasks per queue, then adds every queue to `asynq:queues`.
 */
export async function seedTasks(redis: Redis | Cluster, tasks: Iterable<SeedTask>, batch = 5000): Promise<void> {
  const pipes = new Map<string, { pipe: Pipeline; n: number }>();
  for (const t of tasks) {
    let p = pipes.get(t.queue);
    if (!p) pipes.set(t.queue, (p = { pipe: redis.pipeline(), n: 0 }));
    write(p.pipe, t);
    if (++p.n % batch === 0) {
      await exec(p.pipe);
      p.pipe = redis.pipeline();
    }
  }
  for (const p of pipes.values()) await exec(p.pipe);
  if (pipes.size > 0) await redis.sadd(keys.allQueues, ...pipes.keys());
}

async function exec(pipe: Pipeline): Promise<void> {
  for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
}
