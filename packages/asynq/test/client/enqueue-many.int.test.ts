// Client.enqueueMany against a real Redis: per-item results (a bad item loses nothing else), every route,
// and 1,000 tasks in a handful of round trips (counted as writes on the connection's socket).
import { Cluster, type Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Client, type EnqueueManyItem } from "../../src/client.js";
import type { InvalidOptionError } from "../../src/errors.js";
import { DuplicateTaskError, TaskIdConflictError } from "../../src/errors.js";
import * as keys from "../../src/internal/base/keys.js";
import { decodeTaskMessage } from "../../src/internal/base/message.js";
import { Task } from "../../src/task.js";
import { useTestRedis } from "../support/redis.js";

const t = useTestRedis();
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

/**
 * An adopted connection, ready, whose socket writes are counted (one write = one round trip out); on a
 * Redis Cluster the writes of every node connection are summed.
 */
async function countingClient(): Promise<{ client: Client; writes: () => number }> {
  const redis = t.redis().duplicate() as Redis | Cluster;
  opened.push({ close: () => redis.quit() });
  await redis.ping();
  const conns = redis instanceof Cluster ? redis.nodes("master") : [redis];
  await Promise.all(conns.map((c) => c.ping()));
  const spies = conns.map((c) =>
    vi.spyOn((c as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream, "write"),
  );
  const client = new Client(redis);
  opened.push(client);
  return { client, writes: () => spies.reduce((n, s) => n + s.mock.calls.length, 0) };
}

/** Round trips of one script preload: one per primary (one node, or every Cluster master). */
const preloadTrips = async (): Promise<number> => (await t.primaries()).length;

describe("Client.enqueueMany", () => {
  it("returns one result per item; bad items get their own error and write nothing", async () => {
    const { client } = await countingClient();
    await client.enqueue("dup", "x", { unique: "1h" });
    await client.enqueue("x", "taken", { taskId: "taken" });
    const items: EnqueueManyItem[] = [
      new Task("plain", { n: 1 }),
      { type: "typed", payload: "hello", options: { queue: "critical" } },
      { task: new Task("bad-queue", "1"), options: { queue: "" } },
      { type: " ", payload: "blank type" },
      { task: new Task("dup", "x", { unique: "1h" }) },
      { type: "conflict", payload: "c", options: { taskId: "taken" } },
      { type: "later", payload: "s", options: { processIn: "1h", unique: "10m" } },
      { type: "grouped", payload: "g", options: { group: "batch", unique: "1m" } },
      42 as unknown as EnqueueManyItem,
      { type: "last", payload: null, options: { maxRetry: 0 } },
    ];
    const results = await client.enqueueMany(items);
    expect(results).toHaveLength(items.length);
    expect(results.map((r) => r.info?.state ?? r.error?.name)).toEqual([
      "pending",
      "pending",
      "InvalidOptionError",
      "InvalidOptionError",
      "DuplicateTaskError",
      "TaskIdConflictError",
      "scheduled",
      "aggregating",
      "InvalidOptionError",
      "pending",
    ]);
    expect((results[2]!.error as InvalidOptionError).option).toBe("queue");
    expect((results[3]!.error as InvalidOptionError).option).toBe("type");
    expect(results[4]!.error).toBeInstanceOf(DuplicateTaskError);
    expect(results[5]!.error).toBeInstanceOf(TaskIdConflictError);
    expect((results[8]!.error as InvalidOptionError).option).toBe("items[8]");

    const r = t.redis();
    expect((await r.smembers(keys.allQueues)).sort()).toEqual(["critical", "default"]);
    expect(await r.lrange(keys.pendingKey("critical"), 0, -1)).toEqual([results[1]!.info!.id]);
    const pending = await r.lrange(keys.pendingKey("default"), 0, -1);
    expect(pending).toEqual([results[9]!.info!.id, results[0]!.info!.id, "taken", expect.any(String)]);
    expect(await r.zrange(keys.scheduledKey("default"), "0", "-1")).toEqual([results[6]!.info!.id]);
    expect(await r.ttl(keys.uniqueKey("default", "later", Buffer.from("s")))).toBeGreaterThanOrEqual(4199);
    expect(await r.zrange(keys.groupKey("default", "batch"), "0", "-1")).toEqual([results[7]!.info!.id]);
    expect(await r.hget(keys.taskKey("default", results[7]!.info!.id), "group")).toBe("batch");
    const last = decodeTaskMessage((await r.hgetBuffer(keys.taskKey("default", results[9]!.info!.id), "msg"))!);
    expect(last).toMatchObject({ type: "last", retry: 0, timeout: 1800 });
    expect(await r.exists(keys.taskKey("default", "taken"))).toBe(1);
    expect(await r.hget(keys.taskKey("default", "taken"), "msg")).not.toContain("conflict");
  });

  it("enqueues 1,000 tasks in a few round trips (preload, SADD, one pipeline)", async () => {
    const { client, writes } = await countingClient();
    await t.redis().script("FLUSH");
    const items = Array.from({ length: 1000 }, (_, i) => new Task("bulk", { i }, { queue: i % 2 ? "odd" : "even" }));
    const before = writes();
    const results = await client.enqueueMany(items);
    // Preload, SADD, then one pipeline (per queue on a Cluster, where a pipeline stays in one slot).
    expect(writes() - before).toBeLessThanOrEqual((await preloadTrips()) + 1 + (t.cluster ? 2 : 1));
    expect(results.every((r) => r.info?.state === "pending")).toBe(true);
    expect(new Set(results.map((r) => r.info!.id)).size).toBe(1000);
    expect(await t.redis().llen(keys.pendingKey("odd"))).toBe(500);
    expect(await t.redis().llen(keys.pendingKey("even"))).toBe(500);
    expect((await t.redis().smembers(keys.allQueues)).sort()).toEqual(["even", "odd"]);
    // Items keep their order within each queue (LPUSH: newest at index 0).
    const odd = await t.redis().lrange(keys.pendingKey("odd"), 0, -1);
    expect(odd[0]).toBe(results[999]!.info!.id);
    expect(odd[499]).toBe(results[1]!.info!.id);
  });

  it("splits into chunks: one SADD and one pipeline per chunk", async () => {
    const { client, writes } = await countingClient();
    const items = Array.from({ length: 250 }, (_, i) => ({ type: "bulk", payload: String(i) }));
    const before = writes();
    const results = await client.enqueueMany(items, { chunkSize: 100 });
    expect(writes() - before).toBe((await preloadTrips()) + 3 * 2);
    expect(results.filter((r) => r.info).length).toBe(250);
    expect(await t.redis().llen(keys.pendingKey("default"))).toBe(250);
  });

  it("reports a second item with the same id in one batch as a conflict", async () => {
    const { client } = await countingClient();
    const results = await client.enqueueMany([
      { type: "a", payload: "1", options: { taskId: "same" } },
      { type: "a", payload: "2", options: { taskId: "same" } },
    ]);
    expect(results[0]!.info?.id).toBe("same");
    expect(results[1]!.error).toBeInstanceOf(TaskIdConflictError);
  });

  it("writes nothing and sends nothing when every item is invalid", async () => {
    const { client, writes } = await countingClient();
    const before = writes();
    const results = await client.enqueueMany([{ type: "" }, { type: "a", options: { unique: 1 } }]);
    expect(results.map((r) => r.error?.name)).toEqual(["InvalidOptionError", "InvalidOptionError"]);
    expect(writes()).toBe(before);
    expect(await t.redis().dbsize()).toBe(0);
  });

  it("returns an empty list for no items and rejects a bad chunk size", async () => {
    const { client } = await countingClient();
    expect(await client.enqueueMany([])).toEqual([]);
    await expect(client.enqueueMany([new Task("a")], { chunkSize: 0 })).rejects.toThrow(/invalid option chunkSize/);
  });
});
