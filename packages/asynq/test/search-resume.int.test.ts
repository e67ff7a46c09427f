// Inspector.search across calls: cursors yield every match exactly once, stay exact on zsets while tasks
// come, go and move, re-anchor on lists that drain from the oldest end, and searchAll walks to the end.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Inspector } from "../src/inspector.js";
import * as keys from "../src/internal/base/keys.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { LIST_ANCHOR_WINDOW } from "../src/internal/rdb/search.js";
import type { SearchQuery, SearchResult } from "../src/search-types.js";
import type { TaskState } from "../src/task.js";
import { useTestRedis } from "./support/redis.js";
import { type SeedTask, seedTasks } from "./support/seed-tasks.js";

const t = useTestRedis();
const q = "resume";
const NOW_S = 1_800_000_000;
const id = (p: string, i: number): string => `${p}-${String(i).padStart(5, "0")}`;
const types = ["email:welcome", "email:digest", "report"];

let inspector: Inspector;
beforeEach(() => {
  inspector = new Inspector(t.redis(), { clock: new SimulatedClock(NOW_S * 1000) });
});
afterEach(async () => {
  await inspector.close();
});

/** Calls search until the cursor runs out, running `between` after each call; returns every call's result. */
async function walk(
  state: TaskState,
  query: SearchQuery,
  budget: number,
  between: (r: SearchResult, call: number) => Promise<void> = async () => {},
): Promise<SearchResult[]> {
  const out: SearchResult[] = [];
  let cursor: string | null = null;
  do {
    const r: SearchResult = await inspector.search(q, state, query, { cursor, budget });
    expect(r.scanned).toBeLessThanOrEqual(budget);
    out.push(r);
    cursor = r.nextCursor;
    if (cursor !== null) await between(r, out.length);
  } while (cursor !== null && out.length < 10_000);
  return out;
}

const matched = (rs: SearchResult[]): string[] => rs.flatMap((r) => r.matches.map((m) => m.id));

describe("static data: every match exactly once", () => {
  const N = 1000;
  const tasks = (state: TaskState, score: (i: number) => number, group?: (i: number) => string): SeedTask[] =>
    Array.from({ length: N }, (_, i) => ({
      queue: q,
      id: id(state, i),
      state,
      type: types[i % 3],
      score: score(i),
      ...(group ? { group: group(i) } : {}),
    }));
  const cases: { name: string; state: TaskState; seed: SeedTask[]; budget: number }[] = [
    { name: "pending list", state: "pending", seed: tasks("pending", () => 0), budget: 37 },
    {
      name: "scheduled, 10 distinct scores",
      state: "scheduled",
      seed: tasks("scheduled", (i) => NOW_S + (i % 10)),
      budget: 23,
    },
    { name: "archived, one score", state: "archived", seed: tasks("archived", () => NOW_S), budget: 1 },
    {
      name: "aggregating over 3 groups",
      state: "aggregating",
      seed: tasks(
        "aggregating",
        (i) => NOW_S + (i % 7),
        (i) => `g${i % 3}`,
      ),
      budget: 7,
    },
  ];
  it.each(cases)("$name, budget $budget", async ({ state, seed, budget }) => {
    await seedTasks(t.redis(), seed);
    const rs = await walk(state, { type: "email:digest" }, budget);
    const want = seed.filter((s) => s.type === "email:digest").map((s) => s.id);
    expect(matched(rs).sort()).toEqual(want.sort());
    expect(new Set(matched(rs)).size).toBe(want.length);
    expect(rs.reduce((a, r) => a + r.scanned, 0)).toBe(N);
    expect(rs.length).toBe(Math.ceil(N / budget));
  });
});

describe("changing data", () => {
  it("zset: tasks that stay are seen once while others leave, arrive and move", async () => {
    const N = 600;
    await seedTasks(
      t.redis(),
      Array.from({ length: N }, (_, i): SeedTask => ({
        queue: q,
        id: id("r", i),
        state: "retry",
        score: NOW_S + (i % 50),
      })),
    );
    const touched = new Set<string>();
    const rs = await walk("retry", {}, 40, async (r, call) => {
      const last = r.matches.at(-1)!.id;
      const r1 = t.redis();
      // The cursor's own task leaves, a task ahead moves behind the cursor, new tasks land on both sides.
      await r1.zrem(keys.retryKey(q), last);
      const ahead = id("r", (Number(last.slice(2)) + 7) % N);
      await r1.zadd(keys.retryKey(q), String(NOW_S - 1), ahead);
      await seedTasks(r1, [
        { queue: q, id: id("new-behind", call), state: "retry", score: NOW_S },
        { queue: q, id: id("new-ahead", call), state: "retry", score: NOW_S + 49 },
      ]);
      for (const x of [last, ahead, id("new-behind", call), id("new-ahead", call)]) touched.add(x);
    });
    const seen = matched(rs);
    const stayed = Array.from({ length: N }, (_, i) => id("r", i)).filter((x) => !touched.has(x));
    for (const x of stayed)
      expect(
        seen.filter((y) => y === x),
        x,
      ).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(rs.length).toBeGreaterThan(N / 40);
  });

  it("list: dequeues from the oldest end and new enqueues between calls skip nothing", async () => {
    const N = 500;
    await seedTasks(
      t.redis(),
      Array.from({ length: N }, (_, i): SeedTask => ({ queue: q, id: id("p", i), state: "pending" })),
    );
    const dequeued = new Set<string>();
    const rs = await walk("pending", {}, 40, async (_r, call) => {
      for (const x of (await t.redis().rpop(keys.pendingKey(q), 5)) ?? []) dequeued.add(x);
      await t.redis().lpush(keys.pendingKey(q), id("late", call));
    });
    const seen = matched(rs);
    expect(new Set(seen).size).toBe(seen.length);
    const stillThere = await t.redis().lrange(keys.pendingKey(q), 0, -1);
    for (const x of stillThere) expect(seen, x).toContain(x);
    expect(dequeued.size).toBeGreaterThan(0);
  });

  it(`list: when more than the anchor window (${LIST_ANCHOR_WINDOW}) leaves, as many tasks are skipped (documented)`, async () => {
    const N = 2000;
    await seedTasks(
      t.redis(),
      Array.from({ length: N }, (_, i): SeedTask => ({ queue: q, id: id("p", i), state: "pending" })),
    );
    const first = await inspector.search(q, "pending", {}, { budget: 1000 });
    const gone = LIST_ANCHOR_WINDOW + 100;
    await t.redis().rpop(keys.pendingKey(q), gone);
    expect(matched(await walk("pending", {}, 5000))).toHaveLength(N - gone);
    const resumed = await inspector.search(q, "pending", {}, { cursor: first.nextCursor, budget: 5000 });
    expect(resumed.matches[0]!.id).toBe(id("p", 1000 + gone));
    expect(resumed.scanned).toBe(N - gone - 1000);
  });
});

it("searchAll yields every match across budgeted calls", async () => {
  await seedTasks(
    t.redis(),
    Array.from({ length: 750 }, (_, i): SeedTask => ({
      queue: q,
      id: id("s", i),
      state: "scheduled",
      score: NOW_S + i,
    })),
  );
  const found: string[] = [];
  for await (const x of inspector.searchAll(q, "scheduled", { from: new Date((NOW_S + 100) * 1000) }, { budget: 64 })) {
    found.push(x.id);
  }
  expect(found).toEqual(Array.from({ length: 650 }, (_, i) => id("s", i + 100)));
});
