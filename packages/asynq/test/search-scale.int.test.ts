// Inspector.search on a 1,000,000-task queue (500k pending + 500k archived) in a private redis-server:
// one budgeted call does bounded work, and a full resumable scan finds the planted needles exactly once.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Inspector } from "../src/inspector.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { SEARCH_CHUNK } from "../src/internal/rdb/search.js";
import type { SearchQuery } from "../src/search-types.js";
import type { TaskState } from "../src/task.js";
import { type RedisProcess, startRedisServer } from "./support/redis-server.js";
import { type SeedTask, seedTasks } from "./support/seed-tasks.js";

const q = "big";
const PER_STATE = 500_000;
const NOW_S = 1_800_000_000;
const NEEDLE_AT = 345_678;
const types = ["email:welcome", "email:digest", "image:resize", "report:daily"];

function* tasks(state: TaskState): Generator<SeedTask> {
  for (let i = 0; i < PER_STATE; i++) {
    const needle = i === NEEDLE_AT;
    yield {
      queue: q,
      id: `${state}-${i}`,
      state,
      type: needle ? "needle:task" : types[i % types.length],
      payload: Buffer.from(needle ? `{"user":{"id":"NEEDLE-42"}}` : `{"user":{"id":${i}}}`),
      score: NOW_S - PER_STATE + i,
      ...(state === "archived" ? { errorMsg: needle ? "needle: disk on fire" : "timeout" } : {}),
    };
  }
}

let server: RedisProcess;
let redis: Redis;
let inspector: Inspector;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  const t0 = performance.now();
  await seedTasks(redis, tasks("pending"), 10_000);
  await seedTasks(redis, tasks("archived"), 10_000);
  console.info(`seeded ${2 * PER_STATE} tasks in ${Math.round(performance.now() - t0)} ms`);
  inspector = new Inspector(redis, { clock: new SimulatedClock(NOW_S * 1000) });
}, 120_000);
afterAll(async () => {
  await inspector?.close();
  await redis?.quit();
  await server?.stop();
});

/** Walks the whole state with `budget` per call; returns the matched ids, call count and tasks/s. */
async function fullScan(state: TaskState, query: SearchQuery, budget: number) {
  const found: string[] = [];
  let cursor: string | null = null;
  let calls = 0;
  let scanned = 0;
  const t0 = performance.now();
  do {
    const r = await inspector.search(q, state, query, { cursor, budget });
    expect(r.scanned).toBeLessThanOrEqual(budget);
    found.push(...r.matches.map((m) => m.id));
    scanned += r.scanned;
    cursor = r.nextCursor;
    calls++;
  } while (cursor !== null);
  const rate = Math.round(scanned / ((performance.now() - t0) / 1000));
  console.info(`${state} ${JSON.stringify(query)}: ${scanned} tasks in ${calls} calls, ${rate} tasks/s`);
  return { found, calls, scanned };
}

describe(`search on ${2 * PER_STATE} tasks`, () => {
  it("one budgeted call examines at most its budget, in chunks, and hands back a cursor", async () => {
    const stat = async (cmd: string): Promise<{ calls: number; usec: number }> => {
      const m = new RegExp(`cmdstat_${cmd}:calls=(\\d+),usec=(\\d+)`).exec(await redis.info("commandstats"));
      return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) };
    };
    await inspector.search(q, "pending", {}, { budget: 1 }); // loads the script (NOSCRIPT → EVAL once)
    const before = await stat("evalsha");
    const r = await inspector.search(q, "pending", { payloadContains: "NEEDLE" }, { budget: 2000 });
    const after = await stat("evalsha");
    expect(r.scanned).toBe(2000);
    expect(r.total).toBe(PER_STATE);
    expect(r.matches).toEqual([]);
    expect(r.nextCursor).not.toBeNull();
    // One small script call per chunk: no single command walks the queue.
    expect(after.calls - before.calls).toBe(Math.ceil(2000 / SEARCH_CHUNK));
    const perCall = (after.usec - before.usec) / (after.calls - before.calls);
    console.info(`${SEARCH_CHUNK}-task chunk: ${Math.round(perCall)} µs of Redis time per script call`);
  });

  it("a full resumable scan of 500k pending finds the payload needle exactly once", async () => {
    const { found, scanned } = await fullScan("pending", { payloadContains: "NEEDLE" }, 50_000);
    expect(found).toEqual([`pending-${NEEDLE_AT}`]);
    expect(scanned).toBe(PER_STATE);
  });

  it("a full resumable scan of 500k archived finds the error-text needle exactly once", async () => {
    const { found, scanned } = await fullScan("archived", { errorContains: "on fire" }, 50_000);
    expect(found).toEqual([`archived-${NEEDLE_AT}`]);
    expect(scanned).toBe(PER_STATE);
  });

  it("JSON field and type filters over 500k, and a time range that lets Redis skip the rest", async () => {
    const byJson = await fullScan("pending", { json: { path: "user.id", equals: "NEEDLE-42" } }, 100_000);
    expect(byJson.found).toEqual([`pending-${NEEDLE_AT}`]);
    const at = (NOW_S - PER_STATE + NEEDLE_AT) * 1000;
    const ranged = await fullScan("archived", { type: "needle:task", from: at - 5000, to: at + 5000 }, 2000);
    expect(ranged).toMatchObject({ found: [`archived-${NEEDLE_AT}`], scanned: 11, calls: 1 });
    const slow = (await redis.slowlog("GET", 128)) as [number, number, number, string[]][];
    const worst = Math.max(0, ...slow.filter((e) => /^eval/i.test(e[3][0] ?? "")).map((e) => e[2]));
    console.info(`slowest script call in SLOWLOG after all scans (10 ms threshold): ${worst} µs`);
  });
});
