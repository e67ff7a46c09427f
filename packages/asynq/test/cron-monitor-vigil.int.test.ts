// Cron monitoring of Vigil's own Scheduler: stable entry ids survive a restart, the durable run log keeps runs
// after Go's history is gone, downtime ticks count as missed, and a catch-up run fills its own tick (late).
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Inspector, Scheduler, SimulatedClock, Task, type CronEntryStatus } from "../src/index.js";
import type { MissedRunPolicy } from "../src/scheduler-options.js";
import { useTestRedis } from "./support/redis.js";

const t = useTestRedis();
const silent = pino({ level: "silent" });
const open: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.shutdown()));
});

const at = (hms: string): number => Date.parse(`2026-11-29T${hms}Z`);
const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** A Vigil scheduler with the budget_check entry of the Go fixture; returns it and the entry id. */
function budgetScheduler(clock: SimulatedClock, missedRuns: MissedRunPolicy = "skip"): { s: Scheduler; id: string } {
  const s = new Scheduler(t.url(), { clock, logger: silent, missedRuns });
  open.push(s);
  const id = s.register("*/15 * * * *", new Task("budget_check", { threshold: 0.9 }), { queue: "critical" });
  return { s, id };
}

async function only(inspector: Inspector): Promise<CronEntryStatus> {
  const all = await inspector.cronStatus();
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe("cron monitor on Vigil's Scheduler", () => {
  it("follows runs across a scheduler restart: down while stopped, downtime ticks missed, same entry after", async () => {
    const clock = new SimulatedClock(at("00:59:00"));
    const inspector = new Inspector(t.redis(), { clock });
    const first = budgetScheduler(clock);
    await first.s.heartbeat();
    expect(await only(inspector)).toMatchObject({ id: first.id, live: true, status: "healthy", expected: 0 });
    expect(iso((await only(inspector)).nextRuns[0])).toBe("2026-11-29T01:00:00.000Z");

    clock.set(at("01:00:00.020"));
    expect(await first.s.runDue()).toMatchObject([{ outcome: "enqueued" }]);
    await first.s.heartbeat();
    const ran = await only(inspector);
    expect(ran).toMatchObject({ status: "healthy", expected: 1, actual: 1, onTime: 1 });
    expect(ran.runs[0]).toMatchObject({ timing: "on-time", outcome: "pending", manual: false, delayMs: 20 });
    expect(iso(ran.runs[0]!.tickAt)).toBe("2026-11-29T01:00:00.000Z");

    await first.s.shutdown(); // removes its entries and (like Go) their enqueue history
    clock.set(at("01:05:00"));
    const down = await only(inspector);
    expect(down).toMatchObject({ id: first.id, live: false, status: "scheduler-down", nextRuns: [] });
    expect(down.runs.map((r) => r.taskId)).toEqual([ran.runs[0]!.taskId]); // from vigil:cron:runs

    clock.set(at("01:31:30"));
    const second = budgetScheduler(clock);
    expect(second.id).toBe(first.id);
    await second.s.heartbeat();
    const back = await only(inspector);
    expect(back).toMatchObject({ live: true, status: "missed", expected: 3, actual: 1, missed: 2 });
    expect(back.missedTicks.map(iso)).toEqual(["2026-11-29T01:30:00.000Z", "2026-11-29T01:15:00.000Z"]);
    expect(back.schedulerId).not.toBe(down.schedulerId);
  });

  it("a catch-up run after downtime fills the tick it names, so the entry is late rather than missed", async () => {
    const clock = new SimulatedClock(at("00:59:00"));
    const inspector = new Inspector(t.redis(), { clock });
    const first = budgetScheduler(clock, "catch-up");
    await first.s.heartbeat();
    await only(inspector);
    clock.set(at("01:00:00.020"));
    await first.s.runDue();
    await first.s.shutdown();

    clock.set(at("01:40:00"));
    const second = budgetScheduler(clock, "catch-up");
    await second.s.heartbeat(); // becoming leader fires the newest missed tick (01:30) once
    const st = await only(inspector);
    expect(st).toMatchObject({ status: "late", onTime: 1, late: 1, missed: 1 });
    expect(st.runs[0]).toMatchObject({ timing: "late", delayMs: 600_000 });
    expect(iso(st.runs[0]!.tickAt)).toBe("2026-11-29T01:30:00.000Z");
    expect(st.missedTicks.map(iso)).toEqual(["2026-11-29T01:15:00.000Z"]);
  });

  it("run now on a Vigil entry is a manual run; the scheduler's own runNow is seen the same way", async () => {
    const clock = new SimulatedClock(at("01:02:00"));
    const inspector = new Inspector(t.redis(), { clock });
    const { s, id } = budgetScheduler(clock);
    await s.heartbeat();
    const viaInspector = await inspector.runCronEntryNow(id);
    clock.advance(1000);
    const viaScheduler = await s.runNow(id);
    const st = await only(inspector);
    expect(st.runs.map((r) => [r.taskId, r.manual, r.timing])).toEqual([
      [viaScheduler.taskId, true, "manual"],
      [viaInspector.id, true, "manual"],
    ]);
    expect(st).toMatchObject({ expected: 0, actual: 0, unmatched: 0, status: "healthy" });
  });

  it("rejects bad options naming them", async () => {
    const inspector = new Inspector(t.redis(), { clock: new SimulatedClock(at("01:00:00")) });
    await expect(inspector.cronStatus({ windowMs: "7x" })).rejects.toMatchObject({ option: "windowMs" });
    await expect(inspector.cronStatus({ graceMs: -1 })).rejects.toMatchObject({ option: "graceMs" });
    await expect(inspector.cronStatus({ location: "Mars/Olympus" })).rejects.toMatchObject({ option: "location" });
    await expect(inspector.cronStatus({ nextRuns: 1.5 })).rejects.toMatchObject({ option: "nextRuns" });
  });
});
