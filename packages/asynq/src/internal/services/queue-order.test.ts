// Queue selection (spec §6.1): strict order is fixed; weighted order puts a queue first in proportion to
// its priority and orders the rest like Go's shuffle-and-dedupe.
import { describe, expect, it } from "vitest";
import { queueOrderer, strictOrder, weightedOrder } from "./queue-order.js";

/** A deterministic uniform source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("strict order", () => {
  it("sorts by priority descending, ties by name, the same every time", () => {
    const q = { low: 1, critical: 6, default: 3, also3: 3 };
    expect(strictOrder(q)).toEqual(["critical", "also3", "default", "low"]);
    const next = queueOrderer(q, true, seeded(1));
    for (let i = 0; i < 10; i++) expect(next()).toEqual(["critical", "also3", "default", "low"]);
  });
  it("a single queue is always that queue", () => {
    const next = queueOrderer({ only: 5 }, false);
    expect(next()).toEqual(["only"]);
  });
});

describe("weighted order", () => {
  const q = { critical: 6, default: 3, low: 1 };
  const N = 60_000;

  it("first queue is chosen in proportion to priority", () => {
    const rnd = seeded(42);
    const first: Record<string, number> = { critical: 0, default: 0, low: 0 };
    for (let i = 0; i < N; i++) {
      const order = weightedOrder(q, rnd);
      expect([...order].sort()).toEqual(["critical", "default", "low"]);
      first[order[0]!]!++;
    }
    expect(first.critical! / N).toBeCloseTo(0.6, 1);
    expect(first.default! / N).toBeCloseTo(0.3, 1);
    expect(first.low! / N).toBeCloseTo(0.1, 1);
  });

  it("matches Go's shuffle-and-dedupe distribution for the full order", () => {
    // Go: list each name `priority` times, shuffle, keep first occurrences.
    const goOrder = (rnd: () => number): string => {
      const list = Object.entries(q).flatMap(([n, p]) => Array<string>(p).fill(n));
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
      return [...new Set(list)].join(",");
    };
    const count = (f: () => string): Map<string, number> => {
      const m = new Map<string, number>();
      for (let i = 0; i < N; i++) {
        const k = f();
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    const r1 = seeded(7);
    const r2 = seeded(8);
    const ours = count(() => weightedOrder(q, r1).join(","));
    const go = count(() => goOrder(r2));
    // P(critical, default, low) = 0.6 * 3/4 = 0.45; P(low, default, critical) = 0.1 * 3/9 ≈ 0.033
    expect((ours.get("critical,default,low") ?? 0) / N).toBeCloseTo(0.45, 1);
    for (const [order, n] of go) expect(Math.abs((ours.get(order) ?? 0) / N - n / N)).toBeLessThan(0.02);
  });
});
