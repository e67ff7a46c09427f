// Randomised cross-check of the robfig port against a plain brute-force matcher in zones without DST
// (UTC, Asia/Ho_Chi_Minh, Asia/Kolkata): random specs, random reference times, deterministic seed.
import { describe, expect, it } from "vitest";
import { parseCronSpec, type CronSpecSchedule } from "./cron-spec.js";
import { dayMatches } from "./next.js";

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomField(r: () => number, min: number, max: number, names?: string[]): string {
  const v = () => min + Math.floor(r() * (max - min + 1));
  const item = (): string => {
    const k = r();
    if (k < 0.3) return "*";
    if (k < 0.4) return `*/${1 + Math.floor(r() * 12)}`;
    if (k < 0.6) return names && r() < 0.5 ? (names[v() - min] ?? String(v())) : String(v());
    const [a, b] = [v(), v()].sort((x, y) => x - y);
    return r() < 0.5 ? `${a}-${b}` : `${a}-${b}/${1 + Math.floor(r() * 5)}`;
  };
  return Array.from({ length: r() < 0.8 ? 1 : 2 }, item).join(",");
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** First whole minute after `from` whose wall clock (fixed offset) matches; scans at most `limitDays`. */
function bruteForce(s: CronSpecSchedule, offsetMin: number, from: number, limitDays: number): number | null {
  const f = s.fields;
  let t = Math.floor(from / 60_000) * 60_000 + 60_000;
  const end = from + limitDays * 86_400_000;
  const wallMod = (ms: number): number => (t + offsetMin * 60_000) % ms;
  while (t < end) {
    const w = new Date(t + offsetMin * 60_000);
    if (!f.month.values[w.getUTCMonth() + 1] || !dayMatches(f, w.getUTCDate(), w.getUTCDay())) {
      t += 86_400_000 - wallMod(86_400_000); // to the next wall-clock midnight
    } else if (!f.hour.values[w.getUTCHours()]) {
      t += 3_600_000 - wallMod(3_600_000); // to the next wall-clock hour
    } else if (!f.minute.values[w.getUTCMinutes()]) {
      t += 60_000;
    } else {
      return t;
    }
  }
  return null;
}

describe("robfig port vs brute force (no DST)", () => {
  const zones: [string, number][] = [
    ["UTC", 0],
    ["Asia/Ho_Chi_Minh", 420],
    ["Asia/Kolkata", 330],
  ];
  const r = rng(20260105);
  const cases = Array.from({ length: 300 }, (_, i) => {
    const spec = [
      randomField(r, 0, 59),
      randomField(r, 0, 23),
      randomField(r, 1, 31),
      r() < 0.6 ? "*" : randomField(r, 1, 12, MONTHS),
      randomField(r, 0, 6, DAYS),
    ].join(" ");
    const [zone, offset] = zones[i % zones.length] ?? ["UTC", 0];
    const from = Date.UTC(2026, 0, 1) + Math.floor(r() * 3 * 365 * 86_400_000) + Math.floor(r() * 1000);
    return [spec, zone, offset, from] as const;
  });

  it.each(cases)("%j in %s", (spec, zone, offset, from) => {
    const s = parseCronSpec(spec, { location: zone });
    if (s.kind !== "cron") throw new Error("not a cron spec");
    const got = s.next(new Date(from));
    const want = bruteForce(s, offset, from, 2 * 366);
    if (want !== null) expect(got?.toISOString()).toBe(new Date(want).toISOString());
    else if (got !== null) expect(got.getTime() - from).toBeGreaterThan(2 * 366 * 86_400_000 - 86_400_000);
  });
});
