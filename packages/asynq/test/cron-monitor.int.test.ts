// Cron monitoring on the Go fixture scenes (a live Go scheduler with three entries): entries and runs found,
// missed ticks, scheduler down / restarted / forgotten, failing runs, outcomes, and "run now".
import { describe, expect, it } from "vitest";
import {
  Inspector,
  SimulatedClock,
  isCorruptEntry,
  type CronEntryStatus,
  type SchedulerEnqueueEvent,
} from "../src/index.js";
import { decodeSchedulerEntry, encodeSchedulerEntry } from "../src/internal/base/info.js";
import * as keys from "../src/internal/base/keys.js";
import { loadScene, sceneVersions } from "./support/fixtures.js";
import { useTestRedis } from "./support/redis.js";
import { loadDump, type DumpKey } from "./support/scene.js";

const t = useTestRedis();
const HOUR = 3_600_000;

interface GoEntry {
  id: string;
  spec: string;
  /** Published next / previous fire times (ISO, null for Go's zero time). */
  next: string | null;
  prev: string | null;
  historyTaskId: string | null;
}
type GoTime = { seconds: number; iso: string };
const goIso = (ts: GoTime): string | null => (ts.seconds < 0 ? null : new Date(ts.seconds * 1000).toISOString());

/** Loads a Go scene at its own time; the entries lists lose their real 5 s TTL so the test cannot race it. */
async function goScene(dir: string) {
  const scene = loadScene(dir);
  await loadDump(t.redis(), scene);
  const entriesKey = Object.keys(scene.keys).find((k) => scene.keys[k]!.asynq_kind === "scheduler_entries")!;
  await t.redis().persist(entriesKey);
  type Decoded = { id: string; spec: string; next_enqueue_time: GoTime; prev_enqueue_time: GoTime };
  const entries: GoEntry[] = (scene.keys[entriesKey]!.value as unknown as { decoded: Decoded }[]).map(
    ({ decoded: d }) => {
      const history = scene.keys[keys.schedulerHistoryKey(d.id)] as DumpKey | undefined;
      const events = (history?.value ?? []) as unknown as { member: { decoded: { task_id: string } } }[];
      return {
        id: d.id,
        spec: d.spec,
        next: goIso(d.next_enqueue_time),
        prev: goIso(d.prev_enqueue_time),
        historyTaskId: events[0]?.member.decoded.task_id ?? null,
      };
    },
  );
  const clock = new SimulatedClock(scene.meta.taken_at_unix_ms + 50);
  const inspector = new Inspector(t.redis(), { clock });
  const bySpec = (spec: string): GoEntry => entries.find((e) => e.spec === spec)!;
  const status = async (opts = {}): Promise<Map<string, CronEntryStatus>> =>
    new Map((await inspector.cronStatus(opts)).map((s) => [s.spec, s]));
  return { scene, entriesKey, entries, clock, inspector, bySpec, status };
}

/** The Go scheduler heartbeats again at the clock's time (its entries list unchanged). */
async function heartbeat(clock: SimulatedClock): Promise<void> {
  for (const key of await t.redis().zrange(keys.allSchedulers, "0", "-1"))
    await t.redis().zadd(keys.allSchedulers, String(Math.floor(clock.nowMs() / 1000) + 20), key);
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

describe.each(sceneVersions)("cron monitor on the Go $version scene", ({ dir }) => {
  it("reports the three Go entries, follows the @every 30s run to its pending task, 02:00 waits for 02:00", async () => {
    const s = await goScene(dir);
    const st = await s.status();
    expect([...st.keys()].sort()).toEqual(["*/15 * * * *", "0 2 * * *", "@every 30s"]);
    const schedulerId = s.entriesKey.slice(s.entriesKey.indexOf("{") + 1, -1);
    for (const e of st.values()) expect(e).toMatchObject({ live: true, schedulerId });

    const every = st.get("@every 30s")!;
    const go = s.bySpec("@every 30s");
    expect(every).toMatchObject({
      id: go.id,
      status: "healthy",
      specInWords: "every 30s",
      taskType: "crawl_tiktok",
      queue: "default",
      optionStrings: ['Queue("default")', "MaxRetry(3)", "Timeout(5m0s)"],
      options: { queue: "default", maxRetry: 3, timeout: 300_000 },
      expected: 1,
      actual: 1,
      onTime: 1,
      missed: 0,
      consecutiveFailures: 0,
    });
    expect(every.runs).toHaveLength(1);
    expect(every.runs[0]).toMatchObject({
      taskId: go.historyTaskId,
      outcome: "pending",
      timing: "on-time",
      manual: false,
    });
    expect(iso(every.runs[0]!.tickAt)).toBe(go.prev);
    const task = await s.inspector.getTaskInfo("default", every.runs[0]!.taskId);
    expect(task).toMatchObject({ type: "crawl_tiktok", state: "pending" });
    expect(iso(every.nextRuns[0])).toBe(go.next);
    expect(every.nextRuns).toHaveLength(5);

    // Queue "low" is paused in the scene, and paused has the highest precedence.
    const daily = st.get("0 2 * * *")!;
    expect(daily).toMatchObject({ status: "paused", expected: 0, runs: [], lastEnqueuedAt: null, queue: "low" });
    expect(daily.specInWords).toBe("at 02:00 every day");
    expect(iso(daily.nextRuns[0])).toBe("2026-11-29T02:00:00.000Z");
    await s.inspector.unpauseQueue("low");
    expect((await s.status()).get("0 2 * * *")!).toMatchObject({ status: "healthy", expected: 0 });

    const quarter = st.get("*/15 * * * *")!;
    expect(quarter).toMatchObject({ status: "healthy", queue: "critical", expected: 0, warnings: [] });
    expect(iso(quarter.nextRuns[0])).toBe(s.bySpec("*/15 * * * *").next);
    expect(Object.keys(await t.redis().hgetall(keys.cronKnownEntries)).sort()).toEqual(
      s.entries.map((e) => e.id).sort(),
    );
  });

  it("a tick that passes with no enqueue is missed once its grace is over", async () => {
    const s = await goScene(dir);
    await s.status(); // the monitor sees the entries at the scene's time
    s.clock.set(Date.parse("2026-11-29T01:15:45Z"));
    await heartbeat(s.clock);
    expect((await s.status()).get("*/15 * * * *")!).toMatchObject({ status: "healthy", missed: 0, expected: 1 });
    s.clock.set(Date.parse("2026-11-29T01:16:30Z"));
    await heartbeat(s.clock);
    const st = await s.status();
    const quarter = st.get("*/15 * * * *")!;
    expect(quarter).toMatchObject({ status: "missed", missed: 1, expected: 1, actual: 0 });
    expect(quarter.missedTicks.map(iso)).toEqual(["2026-11-29T01:15:00.000Z"]);
    expect(st.get("@every 30s")!).toMatchObject({ status: "missed", actual: 1 });
    expect(st.get("@every 30s")!.missed).toBeGreaterThan(4);
    expect((await s.status({ graceMs: "2m" })).get("*/15 * * * *")!.status).toBe("healthy");
  });

  it("entries stay live while their scheduler heartbeats with its list missing (Go ≤ v0.24 lets it expire between beats)", async () => {
    const s = await goScene(dir);
    await s.status();
    await t.redis().del(s.entriesKey);
    const st = await s.status();
    expect([...st.values()].map((e) => [e.spec, e.live])).toEqual([...st.keys()].map((spec) => [spec, true]));
    expect(st.get("@every 30s")!.status).toBe("healthy");
    // The scheduler now publishes a list without one entry: it was unregistered, so it is forgotten.
    const loadScene0 = loadScene(dir).keys[s.entriesKey]!.value as { base64: string; decoded: { spec: string } }[];
    const kept = loadScene0.filter((v) => v.decoded.spec !== "0 2 * * *").map((v) => Buffer.from(v.base64, "base64"));
    await t.redis().rpush(s.entriesKey, ...kept);
    expect([...(await s.status()).keys()].sort()).toEqual(["*/15 * * * *", "@every 30s"]);
    expect(await t.redis().hlen(keys.cronKnownEntries)).toBe(2);
  });

  it("entries of a scheduler whose heartbeat expired show as scheduler-down, then are forgotten", async () => {
    const s = await goScene(dir);
    await s.status();
    s.clock.advance(60_000); // the scheduler's heartbeat (zset score) has expired
    const st = await s.status();
    expect(st.size).toBe(3);
    expect(st.get("*/15 * * * *")!).toMatchObject({ status: "scheduler-down", live: false, nextRuns: [] });
    expect(st.get("@every 30s")!).toMatchObject({ status: "scheduler-down", live: false });
    expect(st.get("0 2 * * *")!.status).toBe("paused"); // paused outranks scheduler-down
    await t.redis().del(s.entriesKey);
    await t.redis().zrem(keys.allSchedulers, s.entriesKey);
    expect((await s.status()).get("@every 30s")!.status).toBe("scheduler-down");
    s.clock.advance(8 * 24 * HOUR);
    expect(await s.inspector.cronStatus()).toEqual([]);
    expect(await t.redis().hlen(keys.cronKnownEntries)).toBe(0);
  });

  it("a Go scheduler restarted under new entry ids replaces the old entries instead of doubling them", async () => {
    const s = await goScene(dir);
    await s.status();
    s.clock.advance(60_000);
    const published = await t.redis().lrangeBuffer(s.entriesKey, 0, -1);
    await t
      .redis()
      .zadd(keys.allSchedulers, Math.floor(s.clock.nowMs() / 1000) + 20, keys.schedulerEntriesKey("vm:999:new"));
    const renamed = published.map((b, i) =>
      Buffer.from(encodeSchedulerEntry({ ...decodeSchedulerEntry(b), id: `new-${i}` })),
    );
    await t.redis().rpush(keys.schedulerEntriesKey("vm:999:new"), ...renamed);
    const st = await s.inspector.cronStatus();
    expect(st.map((e) => e.id).sort()).toEqual(["new-0", "new-1", "new-2"]);
    expect(st.every((e) => e.live && e.schedulerId === "vm:999:new")).toBe(true);
    expect(Object.keys(await t.redis().hgetall(keys.cronKnownEntries)).sort()).toEqual(["new-0", "new-1", "new-2"]);
  });

  it("an archived run makes the entry failing; vanished tasks are presumed successes or read from run history", async () => {
    const s = await goScene(dir);
    const taskId = s.bySpec("@every 30s").historyTaskId!;
    await s.inspector.archiveTask("default", taskId);
    const every = (await s.status()).get("@every 30s")!;
    expect(every).toMatchObject({ status: "failing", consecutiveFailures: 1 });
    expect(every.runs[0]).toMatchObject({ taskId, outcome: "archived" });

    await s.inspector.deleteTask("default", taskId);
    expect((await s.status()).get("@every 30s")!).toMatchObject({ status: "healthy", consecutiveFailures: 0 });
    expect((await s.status()).get("@every 30s")!.runs[0]!.outcome).toBe("gone-presumed-success");

    const attempt = {
      taskId,
      type: "crawl_tiktok",
      queue: "default",
      startMs: s.clock.nowMs() - 3000,
      durationMs: 1234,
    };
    await t
      .redis()
      .zadd(
        keys.runHistoryKey("default"),
        s.clock.nowMs() - 10,
        JSON.stringify({ ...attempt, outcome: "success", error: "" }),
      );
    expect((await s.status()).get("@every 30s")!.runs[0]).toMatchObject({ outcome: "succeeded", durationMs: 1234 });
    const failed = { ...attempt, durationMs: 99, outcome: "archived", error: "tiktok said no" };
    await t.redis().zadd(keys.runHistoryKey("default"), s.clock.nowMs() - 5, JSON.stringify(failed));
    const after = (await s.status()).get("@every 30s")!;
    expect(after).toMatchObject({ status: "failing", consecutiveFailures: 1 });
    expect(after.runs[0]).toMatchObject({ outcome: "gone-after-error", durationMs: 99, error: "tiktok said no" });
  });

  it("run now enqueues with the entry's options, visible to Go-format history and to cronStatus as manual", async () => {
    const s = await goScene(dir);
    const go = s.bySpec("@every 30s");
    s.clock.advance(1000);
    const info = await s.inspector.runCronEntryNow(go.id);
    expect(info).toMatchObject({
      type: "crawl_tiktok",
      queue: "default",
      state: "pending",
      maxRetry: 3,
      timeoutSeconds: 300,
    });
    expect(Buffer.from(info.payload).toString()).toBe('{"source":"tiktok","max_items":100}');

    const events = (await s.inspector.listSchedulerEnqueueEvents(go.id)) as SchedulerEnqueueEvent[];
    expect(events.some(isCorruptEntry)).toBe(false);
    expect(events.map((e) => e.taskId)).toEqual([info.id, go.historyTaskId]);
    expect(events[0]!.enqueuedAt!.getTime()).toBe(s.clock.nowMs());
    const log = await t.redis().zrange(keys.cronRunsKey(go.id), "0", "-1");
    expect(log.map((m) => JSON.parse(m) as Record<string, unknown>)).toEqual([
      { taskId: info.id, queue: "default", tickMs: null, enqueuedMs: s.clock.nowMs(), manual: true },
    ]);

    const every = (await s.status()).get("@every 30s")!;
    expect(every).toMatchObject({ status: "healthy", expected: 1, actual: 1, unmatched: 0 });
    expect(every.runs.map((r) => [r.taskId, r.manual, r.timing, r.outcome])).toEqual([
      [info.id, true, "manual", "pending"],
      [go.historyTaskId, false, "on-time", "pending"],
    ]);
    expect(every.lastEnqueuedAt!.getTime()).toBe(s.clock.nowMs());
  });

  it("run now works for a remembered entry whose scheduler is down, and refuses unknown ids", async () => {
    const s = await goScene(dir);
    await s.status();
    s.clock.advance(HOUR);
    const go = s.bySpec("*/15 * * * *");
    const info = await s.inspector.runCronEntryNow(go.id);
    expect(info).toMatchObject({ type: "budget_check", queue: "critical" });
    const st = (await s.status()).get("*/15 * * * *")!;
    expect(st).toMatchObject({ status: "scheduler-down", actual: 0 });
    expect(st.runs[0]).toMatchObject({ taskId: info.id, manual: true });
    await expect(s.inspector.runCronEntryNow("no-such-entry")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
