// Scheduler on a simulated clock against a real Redis: Go-visible entries and events, validation, hooks,
// missed-run policies, DST nights, unique entries, run-now, and tick claims across schedulers.
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Inspector } from "../src/inspector.js";
import { Scheduler, entryIdOf } from "../src/scheduler.js";
import { Task } from "../src/task.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { isCronSpecError } from "../src/internal/cron/cron-spec.js";
import * as keys from "../src/internal/base/keys.js";
import { useTestRedis } from "./support/redis.js";

const t = useTestRedis();
const silent = pino({ level: "silent" });
const open: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.shutdown()));
});

function scheduler(clock: SimulatedClock, extra: ConstructorParameters<typeof Scheduler>[1] = {}): Scheduler {
  const s = new Scheduler(t.url(), { clock, logger: silent, ...extra });
  open.push(s);
  return s;
}
const at = (iso: string) => Date.parse(iso);

describe("Scheduler", () => {
  it("publishes entries and enqueue events that the Inspector (like Go's) reads back", async () => {
    const clock = new SimulatedClock(at("2026-11-29T01:59:00Z"));
    const s = scheduler(clock);
    const id = s.register("0 2 * * *", new Task("snapshot_daily", { kind: "daily" }), {
      queue: "low",
      retention: "24h",
    });
    await s.heartbeat();
    clock.set(at("2026-11-29T02:00:00.020Z"));
    const fired = await s.runDue();
    expect(fired).toMatchObject([{ entryId: id, outcome: "enqueued" }]);
    await s.heartbeat();
    const inspector = new Inspector(t.url(), { clock });
    try {
      const [entry] = await inspector.schedulerEntries();
      expect(entry).toMatchObject({
        id,
        spec: "0 2 * * *",
        taskType: "snapshot_daily",
        optionStrings: ['Queue("low")', "Retention(24h0m0s)"],
      });
      expect(entry).toMatchObject({ options: { queue: "low", retention: 86_400_000 } });
      expect((entry as { next: Date }).next.toISOString()).toBe("2026-11-30T02:00:00.000Z");
      expect((entry as { prev: Date }).prev.toISOString()).toBe("2026-11-29T02:00:00.000Z");
      const events = await inspector.listSchedulerEnqueueEvents(id);
      expect(events).toHaveLength(1);
      const task = await inspector.getTaskInfo("low", (events[0] as { taskId: string }).taskId);
      expect(task).toMatchObject({ type: "snapshot_daily", state: "pending", retentionSeconds: 86400 });
    } finally {
      await inspector.close();
    }
  });

  it("refuses a bad spec with the field and the reason, writing nothing", async () => {
    const s = scheduler(new SimulatedClock(0));
    let err: unknown;
    try {
      s.register("*/0 * * * *", new Task("x"));
    } catch (e) {
      err = e;
    }
    expect(isCronSpecError(err)).toBe(true);
    expect((err as Error).message).toMatch(/minute/);
    expect((err as Error).message).toContain("step of range should be a positive number");
    expect(() => s.register("0 2 * * * *", new Task("x"))).toThrow(/expected exactly 5 fields, found 6/);
    expect(() => new Scheduler(t.url(), { location: "Mars/Olympus", logger: silent })).toThrow(/location/);
    expect(await t.redis().dbsize()).toBe(0);
  });

  it("entry ids are stable: the same registration on any replica gets the same id", () => {
    const task = new Task("budget_check", { threshold: 0.9 });
    expect(entryIdOf("*/15 * * * *", task, ['Queue("critical")'])).toBe(
      entryIdOf("*/15 * * * *", task, ['Queue("critical")']),
    );
    expect(entryIdOf("*/15 * * * *", task, ['Queue("critical")'])).not.toBe(
      entryIdOf("*/15 * * * *", task, ['Queue("low")']),
    );
  });

  it("Europe/Berlin DST nights: 02:00 fires once on fall-back and not at all on spring-forward", async () => {
    for (const [from, to, want] of [
      ["2026-10-24T20:00:00Z", "2026-10-25T06:00:00Z", ["2026-10-25T00:00:00.000Z"]],
      ["2026-03-28T20:00:00Z", "2026-03-29T06:00:00Z", []],
    ] as const) {
      await t.redis().flushdb();
      const clock = new SimulatedClock(at(from));
      const s = scheduler(clock, { location: "Europe/Berlin" });
      s.register("30 2 * * *", new Task("nightly"));
      s.register("0 2 * * *", new Task("snapshot_daily"));
      await s.heartbeat();
      const fires: string[] = [];
      for (let ms = at(from); ms <= at(to); ms += 5 * 60_000) {
        clock.set(ms);
        for (const f of await s.runDue())
          if (f.outcome === "enqueued" && f.entryId !== s.entryIds()[0]) fires.push(new Date(f.tickMs).toISOString());
      }
      expect(fires).toEqual(want);
      await s.shutdown();
    }
  });

  it("Asia/Ho_Chi_Minh (no DST): 0 2 * * * fires at 19:00Z", async () => {
    const clock = new SimulatedClock(at("2026-11-28T18:59:00Z"));
    const s = scheduler(clock, { location: "Asia/Ho_Chi_Minh" });
    s.register("0 2 * * *", new Task("creator_score_daily"));
    await s.heartbeat();
    clock.set(at("2026-11-28T19:00:00.5Z"));
    expect((await s.runDue()).map((f) => new Date(f.tickMs).toISOString())).toEqual(["2026-11-28T19:00:00.000Z"]);
    // Go publishes no zone: the entry is published with an explicit CRON_TZ= prefix so every reader agrees.
    await s.heartbeat();
    const inspector = new Inspector(t.url(), { clock });
    const [entry] = await inspector.schedulerEntries();
    await inspector.close();
    expect((entry as { spec: string }).spec).toBe("CRON_TZ=Asia/Ho_Chi_Minh 0 2 * * *");
  });

  it("missed runs: skip (Go's default) runs nothing after downtime; catch-up runs the newest missed tick once", async () => {
    const clock = new SimulatedClock(at("2026-11-29T00:59:59Z"));
    const first = scheduler(clock);
    const skipId = first.register("*/15 * * * *", new Task("budget_check"));
    const catchId = first.register("0 * * * *", new Task("segment_automatic_match"), {}, { missedRuns: "catch-up" });
    await first.heartbeat();
    clock.set(at("2026-11-29T01:00:00.5Z"));
    expect((await first.runDue()).filter((f) => f.outcome === "enqueued")).toHaveLength(2);
    await first.shutdown();
    // Down from 01:00 until 04:10: 12 quarter-hours and 3 hours were missed.
    clock.set(at("2026-11-29T04:10:00Z"));
    const second = scheduler(clock);
    second.register("*/15 * * * *", new Task("budget_check"));
    second.register("0 * * * *", new Task("segment_automatic_match"), {}, { missedRuns: "catch-up" });
    await second.heartbeat();
    const runs = async (id: string) =>
      (await t.redis().zrange(keys.cronRunsKey(id), "0", "-1")).map((r) => JSON.parse(r));
    expect(await runs(skipId)).toHaveLength(1);
    const caught = await runs(catchId);
    expect(caught).toHaveLength(2);
    expect(new Date(caught[1].tickMs).toISOString()).toBe("2026-11-29T04:00:00.000Z");
  });

  it("a unique entry whose previous task still exists is skipped, not doubled", async () => {
    const clock = new SimulatedClock(at("2026-11-29T01:59:59Z"));
    const results: (string | null)[] = [];
    const s = scheduler(clock, {
      postEnqueue: (_e, info, err) => void results.push(info ? "ok" : (err?.name ?? null)),
    });
    s.register("*/15 * * * *", new Task("budget_check", { threshold: 0.9 }), { queue: "critical", unique: "10m" });
    await s.heartbeat();
    for (const ms of [at("2026-11-29T02:00:00Z"), at("2026-11-29T02:15:00Z")]) {
      clock.set(ms);
      await s.runDue();
    }
    expect(results).toEqual(["ok", "DuplicateTaskError"]);
    expect(await t.redis().llen(keys.pendingKey("critical"))).toBe(1);
  });

  it("preEnqueue can veto a run; runNow enqueues at once and is recorded as manual", async () => {
    const clock = new SimulatedClock(at("2026-11-29T01:59:59Z"));
    let veto = true;
    const s = scheduler(clock, {
      preEnqueue: () => {
        if (veto) throw new Error("maintenance window");
      },
    });
    const id = s.register("0 2 * * *", new Task("snapshot_daily"));
    await s.heartbeat();
    clock.set(at("2026-11-29T02:00:00Z"));
    expect((await s.runDue())[0]).toMatchObject({ outcome: "skipped", error: "Error: maintenance window" });
    veto = false;
    const manual = await s.runNow(id);
    expect(manual.outcome).toBe("enqueued");
    const [run] = (await t.redis().zrange(keys.cronRunsKey(id), "0", "-1")).map((r) => JSON.parse(r));
    expect(run).toMatchObject({ manual: true, tickMs: null, taskId: manual.taskId });
    expect(await t.redis().zcard(keys.schedulerHistoryKey(id))).toBe(1);
    await expect(s.runNow("nope")).rejects.toThrow(/entryId/);
  });

  it("two schedulers with the same entries enqueue each tick once (Go's would double-fire)", async () => {
    const clock = new SimulatedClock(at("2026-11-29T01:59:59Z"));
    const a = scheduler(clock);
    const b = scheduler(clock);
    for (const s of [a, b]) {
      s.register("*/15 * * * *", new Task("budget_check"), { queue: "critical" });
      await s.heartbeat();
    }
    clock.set(at("2026-11-29T02:00:00Z"));
    const outcomes = [...(await a.runDue()), ...(await b.runDue())].map((f) => f.outcome).sort();
    expect(outcomes).toEqual(["claimed-elsewhere", "enqueued"]);
    expect(await t.redis().llen(keys.pendingKey("critical"))).toBe(1);
  });
});

describe("Scheduler takeover", () => {
  it("a new leader fires a tick its dead predecessor claimed but never enqueued, and leaves one it did enqueue", async () => {
    const clock = new SimulatedClock(at("2026-11-29T02:00:05Z"));
    const s = scheduler(clock, { highAvailability: { group: "takeover", leaseMs: 2000 }, takeoverWindow: "60s" });
    const id = s.register("* * * * *", new Task("transfer_sync_tcb"), { queue: "critical" });
    const tick1 = at("2026-11-29T01:59:00Z");
    const tick2 = at("2026-11-29T02:00:00Z");
    // The dead leader fired 01:58, enqueued 01:59 (task exists) and claimed 02:00 but died before enqueuing.
    await t.redis().hset(keys.cronLastFire, id, String(at("2026-11-29T01:58:00Z")));
    await t.redis().set(keys.cronFireKey(id, tick1 / 1000), "dead:1:x fired-0159", "EX", 600);
    await t.redis().hset(keys.taskKey("critical", "fired-0159"), "state", "pending");
    await t.redis().set(keys.cronFireKey(id, tick2 / 1000), "dead:1:x never-0200", "EX", 600);
    await s.heartbeat();
    expect(s.isLeader()).toBe(true);
    const runs = (await t.redis().zrange(keys.cronRunsKey(id), "0", "-1")).map((r) => JSON.parse(r));
    expect(runs.map((r) => new Date(r.tickMs).toISOString())).toEqual(["2026-11-29T02:00:00.000Z"]);
    expect((await t.redis().get(keys.cronFireKey(id, tick2 / 1000)))!.startsWith(s.id)).toBe(true);
    expect(await t.redis().llen(keys.pendingKey("critical"))).toBe(1);
  });
});
