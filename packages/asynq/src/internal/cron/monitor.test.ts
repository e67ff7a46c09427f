// Cron monitor evaluation, table-driven: ticks, matching, missed/late verdicts, status precedence, next runs,
// consecutive failures; and one schedule followed over time with a SimulatedClock.
import { describe, expect, it } from "vitest";
import { SimulatedClock } from "../clock.js";
import type { CronRunOutcome } from "../../cron-types.js";
import { consecutiveFailures, evaluateCronEntry, type MonitoredEntry, type ObservedRun } from "./monitor.js";

const at = (hms: string, day = "2026-11-29"): number => Date.parse(`${day}T${hms}Z`);
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
const run = (hms: string, extra: Partial<ObservedRun> = {}): ObservedRun => ({
  taskId: `t-${hms}`,
  enqueuedMs: at(hms),
  manual: false,
  ...extra,
});
const quarter: MonitoredEntry = { spec: "*/15 * * * *", firstSeenMs: at("00:00:00"), live: true, queuePaused: false };
const onTime = ["00:00:02", "00:15:01", "00:30:03", "00:45:00.500", "01:00:02"].map((h) => run(h));
const opts = (now: string) => ({ fromMs: at("00:00:00"), nowMs: at(now), graceMs: 60_000, nextRuns: 3 });

describe("evaluateCronEntry: status and counts", () => {
  it.each<[string, MonitoredEntry, ObservedRun[], string, Record<string, unknown>]>([
    [
      "all on time, 01:15 still within grace",
      quarter,
      onTime,
      "01:15:30",
      { status: "healthy", expected: 6, actual: 5, due: 1 },
    ],
    ["01:15 past grace with no run", quarter, onTime, "01:16:30", { status: "missed", missed: 1, actual: 5 }],
    [
      "01:15 filled 90 s late",
      quarter,
      [...onTime, run("01:16:30")],
      "01:17:00",
      { status: "late", late: 1, missed: 0 },
    ],
    [
      "an older late run does not outweigh a newer on-time run",
      quarter,
      [...onTime.slice(0, 4), run("01:02:00"), run("01:15:05")],
      "01:20:00",
      { status: "healthy", late: 1, onTime: 5 },
    ],
    [
      "a missed tick in the past, latest on time",
      quarter,
      [...onTime.slice(0, 2), ...onTime.slice(3)],
      "01:05:00",
      { status: "healthy", missed: 1 },
    ],
    ["paused beats missed", { ...quarter, queuePaused: true }, onTime, "01:16:30", { status: "paused", missed: 1 }],
    [
      "scheduler-down beats missed",
      { ...quarter, live: false },
      onTime,
      "01:16:30",
      { status: "scheduler-down", nextRunsMs: [] },
    ],
    [
      "a manual run fills no tick",
      quarter,
      [...onTime, run("01:15:10", { manual: true })],
      "01:16:30",
      { status: "missed", actual: 5, unmatched: 0 },
    ],
    [
      "a second run for one tick is unmatched",
      quarter,
      [...onTime, run("01:00:30")],
      "01:05:00",
      { status: "healthy", unmatched: 1, actual: 5 },
    ],
    [
      "ticks before the monitor first saw the entry are not expected",
      { ...quarter, firstSeenMs: at("00:40:00") },
      [],
      "01:05:00",
      { status: "missed", expected: 2, missed: 2 },
    ],
    [
      "the published previous run extends what is expected",
      { ...quarter, firstSeenMs: at("01:10:00"), prevMs: at("00:45:00") },
      [],
      "01:10:00",
      { expected: 2, missed: 2 },
    ],
    [
      "a run's own tick (Vigil run log) wins: a catch-up run fills the missed tick, late",
      quarter,
      [...onTime.slice(0, 4), run("01:10:00", { tickMs: at("01:00:00") })],
      "01:12:00",
      { status: "late", late: 1, missed: 0 },
    ],
    [
      "a run 0.5 s before its tick (clock skew) fills it",
      quarter,
      [...onTime.slice(0, 4), run("00:59:59.500")],
      "01:05:00",
      { status: "healthy", onTime: 5 },
    ],
    [
      "failing: latest run archived",
      quarter,
      [...onTime.slice(0, 4), run("01:00:02", { outcome: "archived" })],
      "01:05:00",
      { status: "failing", consecutiveFailures: 1 },
    ],
    [
      "missed beats failing",
      quarter,
      [...onTime.slice(0, 4), run("01:00:02", { outcome: "archived" })],
      "01:16:30",
      { status: "missed" },
    ],
    [
      "a spec that never fires",
      { ...quarter, spec: "0 0 31 2 *" },
      [],
      "01:00:00",
      { status: "never", expected: 0, nextRunsMs: [] },
    ],
    [
      "a spec that does not parse",
      { ...quarter, spec: "61 * * * *" },
      [],
      "01:00:00",
      { status: "invalid", expected: 0 },
    ],
  ])("%s", (_name, entry, runs, now, want) => {
    const r = evaluateCronEntry(entry, runs, opts(now));
    expect(r).toMatchObject(want);
  });

  it("a never-firing spec with a failing manual run is failing", () => {
    const entry = { ...quarter, spec: "0 0 31 2 *" };
    const r = evaluateCronEntry(entry, [run("00:10:00", { manual: true, outcome: "archived" })], opts("01:00:00"));
    expect(r).toMatchObject({ status: "failing", consecutiveFailures: 1, expected: 0 });
    expect(r.manualRuns.map((m) => m.timing)).toEqual(["manual"]);
  });

  it("an invalid spec says why", () => {
    const r = evaluateCronEntry({ ...quarter, spec: "61 * * * *" }, [], opts("01:00:00"));
    expect(r.specError).toContain("above maximum (59)");
  });
});

describe("evaluateCronEntry: ticks and next runs", () => {
  it("lists the next runs of a live entry, in the scheduler's zone", () => {
    const entry: MonitoredEntry = { spec: "0 2 * * *", location: "Asia/Tokyo", live: true, queuePaused: false };
    const r = evaluateCronEntry(entry, [], opts("01:00:00"));
    expect(r.nextRunsMs.map(iso)).toEqual(["2026-11-29T17:00:00Z", "2026-11-30T17:00:00Z", "2026-12-01T17:00:00Z"]);
    expect(r.warnings).toEqual([]);
  });

  it("warns when the published next run is not a fire time in the assumed zone", () => {
    const entry: MonitoredEntry = { spec: "0 2 * * *", nextMs: at("17:00:00"), live: true, queuePaused: false };
    const r = evaluateCronEntry(entry, [], opts("01:00:00"));
    expect(r.warnings[0]).toMatch(/another zone/);
  });

  it("anchors @every on the published next run (the Go fixture: one fire at 01:12:32)", () => {
    const entry: MonitoredEntry = {
      spec: "@every 30s",
      nextMs: at("01:13:02"),
      prevMs: at("01:12:32"),
      firstSeenMs: at("01:12:38"),
      live: true,
      queuePaused: false,
    };
    const r = evaluateCronEntry(entry, [run("01:12:32.003")], {
      ...opts("01:12:38"),
      fromMs: at("01:12:38") - 86_400_000,
    });
    expect(r.ticks).toEqual([{ tickMs: at("01:12:32"), verdict: "on-time", taskId: "t-01:12:32.003" }]);
    expect(r.nextRunsMs.map(iso)).toEqual(["2026-11-29T01:13:02Z", "2026-11-29T01:13:32Z", "2026-11-29T01:14:02Z"]);
    expect(r.status).toBe("healthy");
  });

  it("anchors @every on its latest run when nothing is published, and has no ticks without any anchor", () => {
    const entry: MonitoredEntry = { spec: "@every 10m", firstSeenMs: at("00:25:00"), live: true, queuePaused: false };
    const r = evaluateCronEntry(entry, [run("00:20:00.2"), run("00:30:00.1")], opts("01:00:30"));
    expect(r.ticks.map((t) => [iso(t.tickMs), t.verdict])).toEqual([
      ["2026-11-29T00:20:00Z", "on-time"],
      ["2026-11-29T00:30:00Z", "on-time"],
      ["2026-11-29T00:40:00Z", "missed"],
      ["2026-11-29T00:50:00Z", "missed"],
      ["2026-11-29T01:00:00Z", "due"],
    ]);
    expect(evaluateCronEntry(entry, [], opts("01:00:30"))).toMatchObject({ expected: 0, nextRunsMs: [] });
  });

  it("keeps the newest ticks of a huge window", () => {
    const entry: MonitoredEntry = { spec: "@every 1s", nextMs: at("01:00:00"), live: true, queuePaused: false };
    const r = evaluateCronEntry(entry, [], { fromMs: 0, nowMs: at("01:00:00"), graceMs: 0, nextRuns: 1 });
    expect(r.expected).toBe(50_000);
    expect(r.ticks.at(-1)!.tickMs).toBe(at("01:00:00"));
  });
});

describe("consecutiveFailures", () => {
  it.each<[string, (CronRunOutcome | undefined)[], number]>([
    ["none", [], 0],
    ["latest succeeded", ["completed", "archived"], 0],
    ["two failures then a success", ["archived", "retry", "succeeded", "archived"], 2],
    ["in-flight runs are skipped", ["pending", "active", "gone-after-error", "gone-presumed-success"], 1],
    ["unknown outcomes are skipped", [undefined, "archived"], 1],
    ["all failed", ["retry", "archived", "gone-after-error"], 3],
  ])("%s", (_name, newestFirst, want) => {
    const runs = newestFirst.map((outcome, i) => ({ taskId: `t${i}`, enqueuedMs: 1000 - i, manual: false, outcome }));
    expect(consecutiveFailures(runs)).toBe(want);
  });
});

describe("one hourly entry over time (SimulatedClock)", () => {
  it("goes due → missed → late → healthy as time passes and runs arrive", () => {
    const clock = new SimulatedClock(at("00:30:00"));
    const entry: MonitoredEntry = { spec: "0 * * * *", firstSeenMs: at("00:30:00"), live: true, queuePaused: false };
    const runs: ObservedRun[] = [];
    const status = (): string =>
      evaluateCronEntry(entry, runs, {
        fromMs: clock.nowMs() - 86_400_000,
        nowMs: clock.nowMs(),
        graceMs: 60_000,
        nextRuns: 1,
      }).status;
    expect(status()).toBe("healthy");
    clock.set(at("01:00:30"));
    expect(status()).toBe("healthy"); // 01:00 is due, within grace
    clock.set(at("01:01:01"));
    expect(status()).toBe("missed");
    runs.push({ taskId: "a", enqueuedMs: at("01:05:00"), manual: false });
    clock.set(at("01:06:00"));
    expect(status()).toBe("late");
    runs.push({ taskId: "b", enqueuedMs: at("02:00:01"), manual: false, outcome: "pending" });
    clock.set(at("02:00:05"));
    expect(status()).toBe("healthy");
    runs[1]!.outcome = "archived";
    expect(status()).toBe("failing");
  });
});
