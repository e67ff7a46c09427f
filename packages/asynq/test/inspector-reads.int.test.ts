// Inspector reads on damaged or large data: corrupt task records stay in their page, pagination walks
// lists and zsets in order, unknown queues fail where Go fails, and bad server/cron records are reported.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  Inspector,
  SimulatedClock,
  isCorruptEntry,
  isCorruptRecordError,
  isCorruptTaskInfo,
  isInvalidOptionError,
  isQueueNotFoundError,
  isTaskNotFoundError,
  type CorruptTaskInfo,
  type TaskInfo,
} from "../src/index.js";
import * as keys from "../src/internal/base/keys.js";
import { encodeTaskMessage, newTaskMessage } from "../src/internal/base/message.js";
import { loadScene, sceneVersions } from "./support/fixtures.js";
import { useTestRedis } from "./support/redis.js";
import { loadDump } from "./support/scene.js";

const t = useTestRedis();
const scene = loadScene(sceneVersions[0].dir);
const GARBAGE = Buffer.from([0xff, 0xff, 0xff, 0x0f]);

let clock: SimulatedClock;
let inspector: Inspector;
beforeEach(() => {
  clock = new SimulatedClock(scene.meta.taken_at_unix_ms + 50);
  inspector = new Inspector(t.connection(), { clock });
});
afterEach(async () => {
  await inspector.close();
});

const ids = (list: (TaskInfo | CorruptTaskInfo)[]): string[] => list.map((x) => x.id);

/** Writes `n` pending tasks p-000, p-001, ... into `q` (p-000 enqueued first, so oldest). */
async function seedPending(q: string, n: number): Promise<string[]> {
  const r = t.redis();
  await r.sadd(keys.allQueues, q);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `p-${String(i).padStart(3, "0")}`;
    const msg = encodeTaskMessage(newTaskMessage({ type: "t", id, queue: q, retry: 25, timeout: 1800 }));
    await r.hset(keys.taskKey(q, id), "msg", Buffer.from(msg), "state", "pending");
    await r.lpush(keys.pendingKey(q), id);
    out.push(id);
  }
  return out;
}

/** Writes `n` scheduled tasks s-000, ... with increasing scores. */
async function seedScheduled(q: string, n: number): Promise<string[]> {
  const r = t.redis();
  await r.sadd(keys.allQueues, q);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `s-${String(i).padStart(3, "0")}`;
    const msg = encodeTaskMessage(newTaskMessage({ type: "t", id, queue: q }));
    await r.hset(keys.taskKey(q, id), "msg", Buffer.from(msg), "state", "scheduled");
    await r.zadd(keys.scheduledKey(q), 2_000_000_000 + i, id);
    out.push(id);
  }
  return out;
}

describe("corrupt task records", () => {
  beforeEach(async () => {
    await loadDump(t.redis(), scene);
  });

  it("keeps the page: a missing hash and an undecodable msg become CorruptTaskInfo items in place", async () => {
    const r = t.redis();
    await r.del(keys.taskKey("default", "pending-welcome-100"));
    await r.hset(keys.taskKey("default", "pending-unique-report"), "msg", GARBAGE);
    const page = await inspector.listPendingTasks("default");
    expect(ids(page)).toEqual([
      "pending-welcome-100",
      expect.any(String),
      "pending-unique-report",
      "pending-deadline-invoice",
      "pending-empty-payload",
      expect.any(String),
    ]);
    const [missing, , bad] = page;
    expect(missing).toEqual({
      corrupt: true,
      id: "pending-welcome-100",
      queue: "default",
      key: keys.taskKey("default", "pending-welcome-100"),
      reason: "task hash is missing",
      state: "pending",
    });
    expect(isCorruptTaskInfo(bad!)).toBe(true);
    expect((bad as CorruptTaskInfo).reason).toMatch(/^msg does not decode/);
    expect(page.filter((x) => !isCorruptTaskInfo(x))).toHaveLength(4);
  });

  it("reports a hash without msg, and a msg holding another id, in zset pages too", async () => {
    const r = t.redis();
    await r.hdel(keys.taskKey("default", "scheduled-reminder-1"), "msg");
    const other = encodeTaskMessage(newTaskMessage({ type: "x", id: "someone-else", queue: "default" }));
    await r.hset(keys.taskKey("default", "scheduled-report-weekly"), "msg", Buffer.from(other));
    const page = await inspector.listScheduledTasks("default");
    expect(page.map((x) => (isCorruptTaskInfo(x) ? x.reason : "ok"))).toEqual([
      "task hash has no msg field",
      'msg holds task id "someone-else", not the listed id',
    ]);
  });

  it("getTaskInfo: undecodable msg → CorruptRecordError, missing hash → TaskNotFoundError", async () => {
    const r = t.redis();
    await r.hset(keys.taskKey("critical", "retry-payment-55"), "msg", GARBAGE);
    const e1 = await inspector.getTaskInfo("critical", "retry-payment-55").catch((e: unknown) => e);
    expect(isCorruptRecordError(e1)).toBe(true);
    expect(e1).toMatchObject({ key: keys.taskKey("critical", "retry-payment-55"), code: "CORRUPT" });
    expect((e1 as Error).cause).toBeInstanceOf(Error);
    const e2 = await inspector.getTaskInfo("critical", "no-such-task").catch((e: unknown) => e);
    expect(isTaskNotFoundError(e2)).toBe(true);
  });

  it("getQueueInfo survives dangling ids and empty groups (memory estimate skips them)", async () => {
    const r = t.redis();
    const before = await inspector.getQueueInfo("default");
    await r.lpush(keys.pendingKey("default"), "dangling-1");
    await r.zadd(keys.archivedKey("default"), 1, "dangling-2");
    await r.zadd(keys.groupKey("default", "ghost"), 1, "dangling-3");
    await r.sadd(keys.allGroups("default"), "empty-group");
    const after = await inspector.getQueueInfo("default");
    expect(after.pending).toBe(before.pending + 1);
    expect(after.archived).toBe(before.archived + 1);
    expect(after.groups).toBe(2);
    expect(after.memoryUsage).toBeGreaterThan(0);
    expect(Number.isSafeInteger(after.memoryUsage)).toBe(true);
  });
});

describe("orphaned active tasks", () => {
  it("marks an active task orphaned once its lease score is <= now", async () => {
    await loadDump(t.redis(), scene);
    await t.redis().zadd(keys.leaseKey("critical"), Math.floor(clock.nowMs() / 1000), "active-transcode-2");
    const page = (await inspector.listActiveTasks("critical")) as TaskInfo[];
    expect(page.map((x) => [x.id, x.isOrphaned])).toEqual([
      ["active-transcode-1", false],
      ["active-transcode-2", true],
    ]);
    expect((await inspector.getTaskInfo("critical", "active-transcode-2")).isOrphaned).toBe(true);
    expect((await inspector.getTaskInfo("critical", "active-transcode-1")).isOrphaned).toBe(false);
  });
});

describe("pagination", () => {
  it("pages pending tasks oldest first, with a default size of 30", async () => {
    const all = await seedPending("q", 65);
    expect(ids(await inspector.listPendingTasks("q"))).toEqual(all.slice(0, 30));
    expect(ids(await inspector.listPendingTasks("q", { page: 2 }))).toEqual(all.slice(30, 60));
    expect(ids(await inspector.listPendingTasks("q", { page: 3 }))).toEqual(all.slice(60));
    expect(await inspector.listPendingTasks("q", { page: 4 })).toEqual([]);
    expect(ids(await inspector.listPendingTasks("q", { page: 7, size: 1 }))).toEqual(["p-006"]);
    expect(ids(await inspector.listPendingTasks("q", { page: 2, size: 50 }))).toEqual(all.slice(50));
  });

  it("pages zsets lowest score first", async () => {
    const all = await seedScheduled("q", 12);
    const pages = [];
    for (let page = 1; page <= 4; page++) pages.push(ids(await inspector.listScheduledTasks("q", { page, size: 5 })));
    expect(pages).toEqual([all.slice(0, 5), all.slice(5, 10), all.slice(10), []]);
  });

  it("pages scheduler enqueue events newest first", async () => {
    await loadDump(t.redis(), scene);
    const entryId = "6d4a48ce-d784-4320-8ce0-1f993cd7b57f";
    const key = keys.schedulerHistoryKey(entryId);
    await t.redis().zadd(key, 1, GARBAGE); // oldest: a record that does not decode
    const newest = await inspector.listSchedulerEnqueueEvents(entryId, { page: 1, size: 1 });
    expect(newest).toHaveLength(1);
    expect(isCorruptEntry(newest[0]!)).toBe(false);
    const oldest = await inspector.listSchedulerEnqueueEvents(entryId, { page: 2, size: 1 });
    expect(oldest).toEqual([expect.objectContaining({ corrupt: true, kind: "schedulerEnqueueEvent", key })]);
  });

  it.each([{ page: 0 }, { page: 1.5 }, { size: 0 }, { size: -3 }])(
    "rejects list options %o naming the option",
    async (opts) => {
      await seedPending("q", 1);
      const e = await inspector.listPendingTasks("q", opts).catch((x: unknown) => x);
      expect(isInvalidOptionError(e)).toBe(true);
    },
  );
});

describe("queue existence", () => {
  const checked: [string, (i: Inspector) => Promise<unknown>][] = [
    ["getQueueInfo", (i) => i.getQueueInfo("nosuch")],
    ["history", (i) => i.history("nosuch", 7)],
    ["getTaskInfo", (i) => i.getTaskInfo("nosuch", "x")],
    ["listPendingTasks", (i) => i.listPendingTasks("nosuch")],
    ["listActiveTasks", (i) => i.listActiveTasks("nosuch")],
    ["listScheduledTasks", (i) => i.listScheduledTasks("nosuch")],
    ["listRetryTasks", (i) => i.listRetryTasks("nosuch")],
    ["listArchivedTasks", (i) => i.listArchivedTasks("nosuch")],
    ["listCompletedTasks", (i) => i.listCompletedTasks("nosuch")],
    ["listAggregatingTasks", (i) => i.listAggregatingTasks("nosuch", "g")],
  ];
  it.each(checked)("%s on an unknown queue throws QueueNotFoundError", async (_name, call) => {
    const e = await call(inspector).catch((x: unknown) => x);
    expect(isQueueNotFoundError(e)).toBe(true);
    expect((e as Error).message).toBe('queue "nosuch" does not exist');
  });

  it("groups() does not check the queue (as Go), and history() validates days", async () => {
    expect(await inspector.groups("nosuch")).toEqual([]);
    await seedPending("q", 1);
    expect(isInvalidOptionError(await inspector.history("q", 0).catch((x: unknown) => x))).toBe(true);
    expect(await inspector.history("q", 1)).toEqual([
      { queue: "q", date: new Date(clock.nowMs()).toISOString().slice(0, 10), processed: 0, failed: 0 },
    ]);
  });
});

describe("servers and scheduler entries", () => {
  beforeEach(async () => {
    await loadDump(t.redis(), scene);
  });

  it("prunes expired registrations and reports undecodable servers and workers", async () => {
    const r = t.redis();
    const nowS = Math.floor(clock.nowMs() / 1000);
    const stale = keys.serverInfoKey("old", 1, "expired");
    const broken = keys.serverInfoKey("vm", 2, "broken");
    await r.zadd(keys.allServers, nowS - 5, stale, nowS + 10, broken);
    await r.set(broken, GARBAGE);
    const [workersKey] = await r.zrange(keys.allWorkers, "0", "0");
    await r.hset(workersKey!, "bad-task", GARBAGE);

    const list = await inspector.servers();
    const good = list.filter((x) => !isCorruptEntry(x));
    expect(good).toHaveLength(1);
    expect(list.filter(isCorruptEntry).map((x) => [x.kind, x.key, x.field])).toEqual([
      ["worker", workersKey, "bad-task"],
      ["server", broken, undefined],
    ]);
    expect(await r.zscore(keys.allServers, stale)).toBeNull();
  });

  it("reports an undecodable scheduler entry after the good ones", async () => {
    const r = t.redis();
    const [listKey] = await r.zrange(keys.allSchedulers, "0", "0");
    await r.rpush(listKey!, GARBAGE);
    const list = await inspector.schedulerEntries();
    expect(list.slice(0, 3).every((x) => !isCorruptEntry(x))).toBe(true);
    expect(list[3]).toMatchObject({ corrupt: true, kind: "schedulerEntry", key: listKey, field: "3" });
  });
});
