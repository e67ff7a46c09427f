// Test helpers for RedisBroker integration tests: a broker per test on this worker's DB with a simulated
// clock, and seeding of tasks in each state with raw commands (keys from keys.ts).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import { encodeTaskMessage, newTaskMessage, type TaskMessage } from "../../src/internal/base/message.js";
import { SimulatedClock, systemClock } from "../../src/internal/clock.js";
import { RedisBroker } from "../../src/internal/rdb/rdb.js";
import { useTestRedis } from "./redis.js";

/** Registers the test DB and returns a factory of brokers (closed after each test) plus the admin connection. */
export function useBroker(): {
  redis: () => Redis;
  url: () => string;
  broker: (clock?: SimulatedClock) => { broker: RedisBroker; clock: SimulatedClock };
} {
  const t = useTestRedis();
  const open: RedisBroker[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  return {
    redis: t.redis,
    url: t.url,
    broker: (clock = new SimulatedClock(Math.floor(systemClock.nowMs() / 1000) * 1000)) => {
      const broker = new RedisBroker(new Redis(t.url()), { clock, ownsConnection: true });
      open.push(broker);
      return { broker, clock };
    },
  };
}

/** A task message with asynq's enqueue defaults (retry 25, timeout 1800) unless overridden. */
export function msg(fields: Partial<TaskMessage> = {}): TaskMessage {
  return newTaskMessage({
    type: "email:welcome",
    id: randomUUID(),
    queue: "default",
    retry: 25,
    timeout: 1800,
    payload: Buffer.from(JSON.stringify({ n: Math.random() })),
    ...fields,
  });
}

/** Writes the task hash of `m` with `state` and extra fields. */
export async function writeHash(
  redis: Redis,
  m: TaskMessage,
  state: string,
  extra: Record<string, string> = {},
): Promise<void> {
  await redis.hset(keys.taskKey(m.queue, m.id), { msg: Buffer.from(encodeTaskMessage(m)), state, ...extra });
}

/** Seeds a pending task (LPUSH, pending_since). */
export async function seedPending(redis: Redis, m: TaskMessage): Promise<void> {
  await writeHash(redis, m, "pending", { pending_since: "1700000000000000000" });
  await redis.lpush(keys.pendingKey(m.queue), m.id);
}

/** Seeds an active task with a lease expiring at `leaseSeconds`. */
export async function seedActive(redis: Redis, m: TaskMessage, leaseSeconds: number): Promise<void> {
  await writeHash(redis, m, "active");
  await redis.lpush(keys.activeKey(m.queue), m.id);
  await redis.zadd(keys.leaseKey(m.queue), leaseSeconds, m.id);
}

/** Seeds a task in a zset state (scheduled, retry, archived, completed) with `score`. */
export async function seedZset(
  redis: Redis,
  m: TaskMessage,
  state: "scheduled" | "retry" | "archived" | "completed",
  score: number,
  extra: Record<string, string> = {},
): Promise<void> {
  const zset = {
    scheduled: keys.scheduledKey,
    retry: keys.retryKey,
    archived: keys.archivedKey,
    completed: keys.completedKey,
  }[state];
  await writeHash(redis, m, state, extra);
  await redis.zadd(zset(m.queue), score, m.id);
}

/** Whole unix seconds of the clock. */
export function secondsOf(clock: SimulatedClock): number {
  return Math.floor(clock.nowMs() / 1000);
}
