// Client.enqueue against a real Redis: the overloads and payload forms, routing, unique lock TTLs,
// typed errors, invalid options that write nothing, and connections by URL (with a db number) or adopted.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "../../src/client.js";
import type { DuplicateTaskError } from "../../src/errors.js";
import { AsynqError, InvalidOptionError, isDuplicateTaskError, isTaskIdConflictError } from "../../src/errors.js";
import * as keys from "../../src/internal/base/keys.js";
import { decodeTaskMessage } from "../../src/internal/base/message.js";
import { SimulatedClock } from "../../src/internal/clock.js";
import type { EnqueueOptions } from "../../src/options.js";
import { Task } from "../../src/task.js";
import { useTestRedis } from "../support/redis.js";
import { dumpRedis } from "../support/scene.js";

const t = useTestRedis();
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});
function client(clock?: SimulatedClock): Client {
  const c = new Client(t.connection(), { clock });
  opened.push(c);
  return c;
}
async function storedMsg(queue: string, id: string) {
  return decodeTaskMessage((await t.redis().hgetBuffer(keys.taskKey(queue, id), "msg"))!);
}

describe("Client.enqueue", () => {
  it("takes a type and a payload as bytes, a string or a JSON value", async () => {
    const c = client();
    const cases: [unknown, Uint8Array][] = [
      [new Uint8Array([0, 255, 1]), new Uint8Array([0, 255, 1])],
      ["plain text", Buffer.from("plain text")],
      [{ user_id: 42 }, Buffer.from('{"user_id":42}')],
      [[1, "two"], Buffer.from('[1,"two"]')],
      [7, Buffer.from("7")],
    ];
    for (const [payload, bytes] of cases) {
      const info = await c.enqueue("email:welcome", payload as never);
      expect(Buffer.from(info.payload)).toEqual(Buffer.from(bytes));
      expect(Buffer.from((await storedMsg("default", info.id)).payload)).toEqual(Buffer.from(bytes));
    }
    const none = await c.enqueue("noop");
    expect(none.payload).toEqual(new Uint8Array(0));
  });

  it("applies task options first, then enqueue options, and merges headers", async () => {
    const task = new Task("report", "r", { queue: "low", maxRetry: 3, timeout: "1m", headers: { a: "1" } }, { t: "x" });
    const info = await client().enqueue(task, { maxRetry: 9, headers: { a: "2" } });
    expect(info).toMatchObject({ queue: "low", maxRetry: 9, timeoutSeconds: 60, headers: { t: "x", a: "2" } });
    const msg = await storedMsg("low", info.id);
    expect(msg).toMatchObject({ queue: "low", retry: 9, timeout: 60, headers: { t: "x", a: "2" } });
    expect(await t.redis().smembers(keys.allQueues)).toEqual(["low"]);
  });

  it("routes: future processAt → scheduled, group → aggregating, else pending", async () => {
    const clock = new SimulatedClock(Date.UTC(2030, 0, 1, 12, 0, 0, 400));
    const c = client(clock);
    const pending = await c.enqueue("a", "1");
    expect(pending.state).toBe("pending");
    expect(pending.nextProcessAt).toEqual(new Date(clock.nowMs()));
    expect(await t.redis().hget(keys.taskKey("default", pending.id), "pending_since")).toBe(
      (BigInt(clock.nowMs()) * 1_000_000n).toString(),
    );
    const scheduled = await c.enqueue("a", "2", { processIn: "90s", group: "g" });
    expect(scheduled.state).toBe("scheduled");
    expect(await t.redis().zscore(keys.scheduledKey("default"), scheduled.id)).toBe(String(1893499290));
    const grouped = await c.enqueue("a", "3", { group: "g", processAt: clock.nowMs() });
    expect(grouped).toMatchObject({ state: "aggregating", nextProcessAt: null, group: "g" });
    expect(await t.redis().zscore(keys.groupKey("default", "g"), grouped.id)).toBe(String(1893499200));
    expect(await t.redis().smembers(keys.allGroups("default"))).toEqual(["g"]);
  });

  it("sets the lock TTL: unique TTL, or processAt + TTL − now truncated to whole seconds", async () => {
    const clock = new SimulatedClock(Date.UTC(2030, 0, 1, 12, 0, 0, 700));
    const c = client(clock);
    const now = await c.enqueue("u", "1", { unique: "1h" });
    expect(await t.redis().ttl(keys.uniqueKey("default", "u", Buffer.from("1")))).toBe(3600);
    expect(await t.redis().get(keys.uniqueKey("default", "u", Buffer.from("1")))).toBe(now.id);
    await c.enqueue("u", "2", { unique: "1h", processAt: clock.nowMs() + 600_500 });
    expect(await t.redis().ttl(keys.uniqueKey("default", "u", Buffer.from("2")))).toBe(4200);
    await c.enqueue("u", "3", { unique: "1500ms", group: "g" });
    expect(await t.redis().ttl(keys.uniqueKey("default", "u", Buffer.from("3")))).toBe(1);
  });

  it("throws DuplicateTaskError and TaskIdConflictError with Go's texts", async () => {
    const c = client();
    const first = await c.enqueue("u", "same", { unique: "1m" });
    const dup = await c.enqueue("u", "same", { unique: "1m" }).catch((e: unknown) => e);
    expect(isDuplicateTaskError(dup)).toBe(true);
    expect((dup as DuplicateTaskError).message).toContain("task already exists");
    expect((dup as DuplicateTaskError).uniqueKey).toBe(keys.uniqueKey("default", "u", Buffer.from("same")));
    await c.enqueue("x", "1", { taskId: "fixed" });
    const conflict = await c.enqueue("x", "2", { taskId: "fixed" }).catch((e: unknown) => e);
    expect(isTaskIdConflictError(conflict)).toBe(true);
    expect((conflict as Error).message).toContain("task ID conflicts with another task");
    expect(await t.redis().lrange(keys.pendingKey("default"), 0, -1)).toEqual(["fixed", first.id]);
  });

  it("registers the queue again after it was removed from asynq:queues (SADD before every enqueue)", async () => {
    const c = client();
    await c.enqueue("a", "1");
    await t.redis().srem(keys.allQueues, "default");
    await c.enqueue("a", "2");
    expect(await t.redis().smembers(keys.allQueues)).toEqual(["default"]);
  });

  it("sends the SADD and the script in one round trip: a failed SADD does not hide a task that was written", async () => {
    const c = client();
    await t.redis().set(keys.allQueues, "not a set"); // SADD now fails with WRONGTYPE; the script still runs
    const info = await c.enqueue("a", "1", { taskId: "written" });
    expect(info.id).toBe("written");
    expect(await t.redis().lrange(keys.pendingKey("default"), 0, -1)).toEqual(["written"]);
    const err = await c.enqueue("a", "2", { taskId: "written" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsynqError);
    expect((err as AsynqError).message).toMatch(/WRONGTYPE/); // the task was not written: the SADD's error, as Go
  });

  it.each<[string, string, unknown[], string]>([
    ["blank type", "type", ["  ", "p"], "non-blank"],
    ["blank queue", "queue", ["a", "p", { queue: " " }], "non-blank"],
    ["blank taskId", "taskId", ["a", "p", { taskId: "" }], "non-blank"],
    ["blank group", "group", ["a", "p", { group: "\n" }], "non-blank"],
    ["unique below 1s", "unique", ["a", "p", { unique: "500ms" }], "at least 1s"],
    ["garbage timeout", "timeout", ["a", "p", { timeout: "ten minutes" }], '"30s"'],
    ["garbage processIn", "processIn", ["a", "p", { processIn: "1 h", group: "g" }], '"30s"'],
    ["bad deadline", "deadline", ["a", "p", { deadline: "someday" }], "ISO-8601"],
    ["unknown option", "retries", ["a", "p", { retries: 2 }], "maxRetry"],
    ["bigint payload", "payload", ["a", 5n], "JSON"],
  ])("rejects %s with InvalidOptionError and writes nothing", async (_name, option, args, accepted) => {
    const c = client();
    const error = await (c.enqueue as (...a: unknown[]) => Promise<unknown>)(...args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
    expect((error as InvalidOptionError).message).toContain(accepted);
    expect((await dumpRedis(t.redis())).keys).toEqual({});
  });

  it("rejects a bad option given on the Task, writing nothing", async () => {
    const task = new Task("a", "p", { unique: 10 } as EnqueueOptions);
    await expect(client().enqueue(task)).rejects.toThrow(/invalid option unique/);
    expect(await t.redis().dbsize()).toBe(0);
  });
});

describe("Client connections", () => {
  // A Redis Cluster has only DB 0 and no URL form, so this one runs on a single node only.
  if (!t.cluster)
    it("connects by URL with a db number and writes into that db only", async () => {
      // DB 0 is used by no test worker; only the keys this test creates there are removed afterwards.
      const url = t.url();
      expect(url).toMatch(/\/([1-9]|[1-5]\d|6[0-3])$/);
      const db0Url = `${url.slice(0, url.lastIndexOf("/"))}/0`;
      const db0 = new Redis(db0Url);
      opened.push({ close: () => db0.quit() });
      const queue = `client-url-test-${randomUUID()}`;
      const c = new Client(db0Url);
      opened.push(c);
      try {
        const info = await c.enqueue("a", "1", { queue });
        expect(await db0.exists(keys.taskKey(queue, info.id))).toBe(1);
        expect(await db0.sismember(keys.allQueues, queue)).toBe(1);
        expect(await t.redis().dbsize()).toBe(0);
      } finally {
        await db0.del(keys.pendingKey(queue), ...(await db0.keys(`${keys.taskKeyPrefix(queue)}*`)));
        await db0.srem(keys.allQueues, queue);
      }
    });

  it("accepts a UrlConnection object (a ClusterConnection object on a cluster)", async () => {
    const conn = t.connection();
    const c = new Client(
      typeof conn === "string" ? { url: conn, options: { connectionName: "vigil-client-test" } } : conn,
    );
    opened.push(c);
    await c.ping();
    await c.enqueue("a", "1");
    expect(await t.redis().llen(keys.pendingKey("default"))).toBe(1);
  });

  it("never closes an adopted ioredis client; close() is idempotent and later calls fail", async () => {
    const redis = t.redis().duplicate();
    opened.push({ close: () => redis.quit() });
    const c = new Client(redis);
    await c.enqueue("a", "1");
    await c.close();
    await c.close();
    expect(await redis.ping()).toBe("PONG");
    const error = await c.enqueue("a", "2").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AsynqError);
    expect((error as AsynqError).code).toBe("FAILED_PRECONDITION");
  });

  it("closes a connection it opened", async () => {
    const c = new Client(t.connection());
    await c.ping();
    await c.close();
    await expect(c.ping()).rejects.toThrow(/closed/);
  });

  it("rejects a malformed URL naming the option", () => {
    expect(() => new Client("http://localhost:6379")).toThrow(InvalidOptionError);
  });
});
