// Interop: a Vigil Server takes over the Redis scenes written by Go asynq v0.24.1 and v0.26.0: it runs what is
// pending, recovers the dead Go server's two active tasks, aggregates both groups, leaves the paused queue and the
// future scheduled/retry tasks alone, and moves the counters as Go would; checked through the Inspector.
import { describe, expect, it } from "vitest";
import type { HandlerContext } from "../../src/handler.js";
import { Inspector } from "../../src/inspector.js";
import { type CorruptTaskInfo, isCorruptTaskInfo, Task, type TaskInfo } from "../../src/task.js";
import * as keys from "../../src/internal/base/keys.js";
import { decodeTaskMessage } from "../../src/internal/base/message.js";
import { ServeMux } from "../../src/serve-mux.js";
import { Server } from "../../src/server.js";
import { loadScene, sceneVersions } from "../support/fixtures.js";
import { useTestRedis } from "../support/redis.js";
import { bytesOf, loadDump, type Dump, type DumpBytes, type DumpKey } from "../support/scene.js";
import { captureLogger, until, wallMs } from "./support.js";

const t = useTestRedis();
const QUEUES = ["critical", "default", "low"] as const;
type Queue = (typeof QUEUES)[number];

/**
 * The scene as if it had just been taken: every zset score (all are unix seconds) moves by now − taken_at, so
 * "in 1 h" stays in 1 h whenever the test runs. TTLs are already relative (loadDump keeps the remaining TTL).
 */
function rebased(dump: Dump, nowMs: number): Dump {
  const delta = Math.floor(nowMs / 1000) - Math.floor(dump.meta.taken_at_unix_ms / 1000);
  const out: Record<string, DumpKey> = {};
  for (const [key, k] of Object.entries(dump.keys)) {
    if (k.type !== "zset") {
      out[key] = k;
      continue;
    }
    const items = k.value as { member: DumpBytes; score: number; score_raw: string }[];
    const value = items.map((i) => ({ ...i, score: i.score + delta, score_raw: String(i.score + delta) }));
    out[key] = { ...k, value };
  }
  return { ...dump, keys: out };
}

/** TaskMessage fields of a task of the scene, decoded from its bytes. */
interface SceneTask {
  id: string;
  type: string;
  payload: Buffer;
  headers: Record<string, string>;
  uniqueKey: string;
}

function sceneTask(dump: Dump, queue: string, id: string): SceneTask {
  const hash = dump.keys[keys.taskKey(queue, id)]!.value as Record<string, DumpBytes>;
  const m = decodeTaskMessage(bytesOf(hash.msg!));
  return { id, type: m.type, payload: Buffer.from(m.payload), headers: { ...m.headers }, uniqueKey: m.uniqueKey };
}

/** Members of a list, set or zset key of the scene (empty when the key is absent). */
function membersOf(dump: Dump, key: string): string[] {
  const k = dump.keys[key];
  if (!k) return [];
  if (k.type === "list" || k.type === "set") return (k.value as DumpBytes[]).map((b) => bytesOf(b).toString());
  return (k.value as { member: DumpBytes }[]).map((i) => bytesOf(i.member).toString());
}

function counter(dump: Dump, key: string): number {
  const k = dump.keys[key];
  return k ? Number(bytesOf(k.value as DumpBytes).toString()) : 0;
}

/** One handler execution. */
interface Run {
  id: string;
  queue: string;
  type: string;
  payload: Buffer;
  headers: Record<string, string>;
  retryCount: number;
}

/** Sorted ids of a task listing (a corrupt record would show as `corrupt:<id>`). */
const ids = (list: (TaskInfo | CorruptTaskInfo)[]): string[] =>
  list.map((i) => (isCorruptTaskInfo(i) ? `corrupt:${i.id}` : i.id)).sort();

describe.each(sceneVersions)("Go scene $version taken over by a Vigil Server", ({ dir }) => {
  it("runs what Go left pending or active, aggregates groups, leaves the rest, counts like Go", async () => {
    const scene = loadScene(dir);
    const redis = t.redis();
    const nowMs = wallMs();
    await loadDump(redis, rebased(scene, nowMs));
    // The Go server that held the two active tasks died long ago: its heartbeat records are gone and its
    // leases expired two minutes ago (older than the recoverer's 30 s allowance).
    for (const key of Object.keys(scene.keys)) {
      if (key.startsWith("asynq:servers:{") || key.startsWith("asynq:workers:{")) await redis.del(key);
    }
    await redis.del(keys.allServers, keys.allWorkers);
    const activeIds = membersOf(scene, keys.activeKey("critical"));
    expect(activeIds).toHaveLength(2);
    for (const id of activeIds) await redis.zadd(keys.leaseKey("critical"), Math.floor(nowMs / 1000) - 120, id);

    // What must run: everything pending or active in the unpaused queues, plus one aggregated task per group of
    // `default`. `low` is paused: its pending tasks and its aggregated task wait.
    const expected = new Map<string, SceneTask & { queue: Queue }>();
    for (const q of ["critical", "default"] as const) {
      for (const id of [...membersOf(scene, keys.pendingKey(q)), ...membersOf(scene, keys.activeKey(q))]) {
        expected.set(id, { ...sceneTask(scene, q, id), queue: q });
      }
    }
    const groups = new Map<string, { queue: Queue; members: SceneTask[] }>();
    for (const q of QUEUES) {
      for (const g of membersOf(scene, keys.allGroups(q))) {
        groups.set(g, {
          queue: q,
          members: membersOf(scene, keys.groupKey(q, g)).map((id) => sceneTask(scene, q, id)),
        });
      }
    }
    expect([...groups.keys()].sort()).toEqual(["batch:logs", "digest:user:7"]);

    const runs: Run[] = [];
    const record = (task: Task, ctx: HandlerContext): void => {
      runs.push({
        id: ctx.taskId,
        queue: ctx.queue,
        type: task.type,
        payload: Buffer.from(task.payload ?? new Uint8Array(0)),
        headers: { ...task.headers },
        retryCount: ctx.retryCount,
      });
    };
    const mux = new ServeMux();
    const sceneTypes = new Set([...expected.values()].map((e) => e.type));
    for (const type of sceneTypes) mux.handleFunc(type, record);
    mux.handleFunc("notify:digest:batch", record);
    mux.handleFunc("log:ingest:batch", record);
    const aggregated: { group: string; payloads: string[] }[] = [];
    const { logger, lines } = captureLogger();
    const srv = new Server(t.url(), {
      concurrency: 4,
      queues: { critical: 6, default: 3, low: 1 },
      logger,
      retryDelayFunc: () => 500,
      delayedTaskCheckInterval: "250ms",
      taskCheckInterval: "100ms",
      groupGracePeriod: "1s",
      groupAggregator: (group, tasks) => {
        const payloads = tasks.map((x) => Buffer.from(x.payload ?? new Uint8Array(0)).toString());
        aggregated.push({ group, payloads });
        return new Task(`${tasks[0]!.type}:batch`, { group, items: payloads.map((p) => JSON.parse(p) as unknown) });
      },
    });
    const inspector = new Inspector(t.url());
    try {
      await runUntilDone();
      await checkFinalState();
    } finally {
      await inspector.close();
    }

    async function runUntilDone(): Promise<void> {
      try {
        await srv.start(mux);
        const wanted = expected.size + 1; // + the aggregated digest of `default`
        await until("every expected task ran", () => runs.length >= wanted && aggregated.length === 2, 20_000);
        await until(
          "critical and default drained",
          async () => {
            const [c, d] = await Promise.all([inspector.getQueueInfo("critical"), inspector.getQueueInfo("default")]);
            return c.pending + c.active + d.pending + d.active + d.aggregating === 0;
          },
          10_000,
        );
      } finally {
        await srv.shutdown();
      }
    }

    async function checkFinalState(): Promise<void> {
      // Exactly the expected tasks ran, once each, with Go's type, payload bytes and headers.
      const ranScene = runs.filter((r) => expected.has(r.id));
      expect(ranScene.map((r) => r.id).sort()).toEqual([...expected.keys()].sort());
      for (const r of ranScene) {
        const e = expected.get(r.id)!;
        expect({ queue: r.queue, type: r.type, payload: r.payload.toString("base64"), headers: r.headers }).toEqual({
          queue: e.queue,
          type: e.type,
          payload: e.payload.toString("base64"),
          headers: e.headers,
        });
        // The dead server's tasks came back through the recoverer: one retry consumed.
        expect(r.retryCount).toBe(activeIds.includes(r.id) ? 1 : 0);
      }
      const batches = runs.filter((r) => !expected.has(r.id));
      expect(batches.map((r) => [r.queue, r.type])).toEqual([["default", "notify:digest:batch"]]);
      expect(JSON.parse(batches[0]!.payload.toString())).toEqual({
        group: "digest:user:7",
        items: groups.get("digest:user:7")!.members.map((m) => JSON.parse(m.payload.toString()) as unknown),
      });
      expect(aggregated.map((a) => [a.group, a.payloads.length]).sort()).toEqual([
        ["batch:logs", 2],
        ["digest:user:7", 3],
      ]);
      const recovered = lines.filter((l) => l.msg === "recovered task with expired lease: retry scheduled");
      expect(recovered.map((l) => l.taskId).sort()).toEqual([...activeIds].sort());

      // Final state, queue by queue, as Go's Inspector would report it.
      const runsIn = (q: Queue): number => runs.filter((r) => r.queue === q).length;
      const today = new Date(nowMs).toISOString().slice(0, 10);
      const recoveries = { critical: activeIds.length, default: 0, low: 0 };
      for (const q of QUEUES) {
        const info = await inspector.getQueueInfo(q);
        const same = (k: (q: string) => string): number => membersOf(scene, k(q)).length;
        const processed = runsIn(q) + recoveries[q];
        expect(info, q).toMatchObject({
          paused: q === "low",
          pending: q === "low" ? same(keys.pendingKey) + 1 : 0,
          active: 0,
          scheduled: same(keys.scheduledKey),
          retry: same(keys.retryKey),
          archived: same(keys.archivedKey),
          completed: same(keys.completedKey),
          aggregating: 0,
          groups: 0,
          processedTotal: counter(scene, keys.processedTotalKey(q)) + processed,
          failedTotal: counter(scene, keys.failedTotalKey(q)) + recoveries[q],
          processed: counter(scene, keys.processedKey(q, today)) + processed,
          failed: counter(scene, keys.failedKey(q, today)) + recoveries[q],
        });
        // What stayed is what Go left there.
        expect(ids(await inspector.listScheduledTasks(q)), q).toEqual(membersOf(scene, keys.scheduledKey(q)).sort());
        expect(ids(await inspector.listRetryTasks(q)), q).toEqual(membersOf(scene, keys.retryKey(q)).sort());
        expect(ids(await inspector.listArchivedTasks(q)), q).toEqual(membersOf(scene, keys.archivedKey(q)).sort());
        expect(ids(await inspector.listCompletedTasks(q)), q).toEqual(membersOf(scene, keys.completedKey(q)).sort());
      }
      // The paused queue kept its pending tasks and got its aggregated task, which waits there.
      const lowPending = (await inspector.listPendingTasks("low")) as TaskInfo[];
      const lowBatch = lowPending.filter((i) => i.type === "log:ingest:batch");
      expect(lowBatch).toHaveLength(1);
      expect(
        lowPending
          .map((i) => i.id)
          .filter((id) => id !== lowBatch[0]!.id)
          .sort(),
      ).toEqual(membersOf(scene, keys.pendingKey("low")).sort());
      // Finished tasks and aggregated members are gone; the finished unique task released its lock, the
      // scheduled unique task still holds its own.
      for (const e of expected.values()) expect(await redis.exists(keys.taskKey(e.queue, e.id)), e.id).toBe(0);
      for (const { queue, members } of groups.values()) {
        for (const m of members) expect(await redis.exists(keys.taskKey(queue, m.id)), m.id).toBe(0);
      }
      const uniqueDone = [...expected.values()].filter((e) => e.uniqueKey !== "");
      expect(uniqueDone.map((e) => e.id)).toEqual(["pending-unique-report"]);
      expect(await redis.exists(uniqueDone[0]!.uniqueKey)).toBe(0);
      const scheduledUnique = sceneTask(scene, "low", "scheduled-unique-cleanup").uniqueKey;
      expect(await redis.get(scheduledUnique)).toBe("scheduled-unique-cleanup");
    }
  }, 40_000);
});
