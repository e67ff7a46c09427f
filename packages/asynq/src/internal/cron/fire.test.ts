// Tick computation on a simulated timeline: DST nights in Berlin fire once, Ho Chi Minh has no DST, @every.
import { describe, expect, it } from "vitest";
import { parseCronSpec } from "./cron-spec.js";
import { latestTick, nextTick, ticksBetween } from "./fire.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const at = (s: string) => Date.parse(s);

describe("ticks", () => {
  it("Berlin fall-back night: 0 2 * * * fires once (robfig would fire at 00:00Z and 01:00Z)", () => {
    const s = parseCronSpec("0 2 * * *", { location: "Europe/Berlin" });
    const ticks = ticksBetween(s, at("2026-10-24T12:00:00Z"), at("2026-10-26T12:00:00Z")).map(iso);
    expect(ticks).toEqual(["2026-10-25T00:00:00.000Z", "2026-10-26T01:00:00.000Z"]);
  });

  it("Berlin spring-forward night: 30 2 * * * is skipped, as Go does", () => {
    const s = parseCronSpec("30 2 * * *", { location: "Europe/Berlin" });
    const ticks = ticksBetween(s, at("2026-03-28T12:00:00Z"), at("2026-03-30T12:00:00Z")).map(iso);
    expect(ticks).toEqual(["2026-03-30T00:30:00.000Z"]);
  });

  it("Berlin fall-back: */15 keeps every real quarter hour (no wall time repeats between consecutive ticks)", () => {
    const s = parseCronSpec("*/15 * * * *", { location: "Europe/Berlin" });
    const ticks = ticksBetween(s, at("2026-10-25T00:00:00Z"), at("2026-10-25T02:00:00Z"));
    expect(ticks).toHaveLength(8);
  });

  it("Asia/Ho_Chi_Minh: 0 2 * * * is 19:00Z every day", () => {
    const s = parseCronSpec("CRON_TZ=Asia/Ho_Chi_Minh 0 2 * * *");
    expect(ticksBetween(s, at("2026-11-28T00:00:00Z"), at("2026-11-30T00:00:00Z")).map(iso)).toEqual([
      "2026-11-28T19:00:00.000Z",
      "2026-11-29T19:00:00.000Z",
    ]);
  });

  it("@every 30s ticks on whole seconds after the start", () => {
    const s = parseCronSpec("@every 30s");
    expect(iso(nextTick(s, at("2026-11-29T01:12:02.400Z"), null))).toBe("2026-11-29T01:12:32.000Z");
  });

  it("latestTick finds the newest tick inside a window", () => {
    const s = parseCronSpec("*/15 * * * *");
    expect(iso(latestTick(s, at("2026-11-29T02:07:00Z"), 60 * 60_000))).toBe("2026-11-29T02:00:00.000Z");
    expect(latestTick(s, at("2026-11-29T02:07:00Z"), 5 * 60_000)).toBeNull();
  });

  it("a spec that never fires has no ticks", () => {
    const s = parseCronSpec("0 0 31 2 *");
    expect(nextTick(s, at("2026-01-01T00:00:00Z"), null)).toBeNull();
  });
});
