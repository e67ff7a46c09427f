// Inspector.search: every filter on every state, TaskInfo details, corrupt records and query validation.
// Resumption and scale live in search-resume.int.test.ts and search-scale.int.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidOptionError, isQueueNotFoundError } from "../src/errors.js";
import { Inspector } from "../src/inspector.js";
import * as keys from "../src/internal/base/keys.js";
import { SimulatedClock } from "../src/internal/clock.js";
import type { SearchQuery } from "../src/search-types.js";
import { type CorruptTaskInfo, type TaskInfo, type TaskState, isCorruptTaskInfo } from "../src/task.js";
import { useTestRedis } from "./support/redis.js";
import { type SeedTask, seedTasks } from "./support/seed-tasks.js";

const t = useTestRedis();
const q = "search";
const NOW_S = 1_800_000_000;
const json = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v));
const task = (state: TaskState, id: string, extra: Partial<SeedTask> = {}): SeedTask => ({
  queue: q,
  id,
  state,
  ...extra,
});

const fixture: SeedTask[] = [
  task("pending", "p1", {
    type: "email:welcome",
    payload: json({ user: { id: 42 }, lang: "en" }),
    pendingSinceMs: (NOW_S - 3600) * 1000,
  }),
  task("pending", "p2", {
    type: "email:digest",
    payload: json({ user: { id: 7 } }),
    pendingSinceMs: (NOW_S - 60) * 1000,
  }),
  task("pending", "p3", { type: "image:resize", payload: new Uint8Array([0xff, 0x00, 0xfe, 0x61, 0x62]) }),
  task("pending", "p4", { type: "email:welcome", payload: Buffer.from("plain text hello"), result: "sent" }),
  task("scheduled", "s1", { type: "email:welcome", score: NOW_S + 60 }),
  task("scheduled", "s2", { type: "report:daily", score: NOW_S + 3600 }),
  task("scheduled", "s3", { type: "report:weekly", score: NOW_S + 7200 }),
  task("retry", "r1", { errorMsg: "smtp: connection refused", score: NOW_S + 30, retried: 2 }),
  task("retry", "r2", { errorMsg: "context deadline exceeded", score: NOW_S + 90 }),
  task("archived", "a1", { errorMsg: "boom: bad input", score: NOW_S - 100 }),
  task("archived", "a2", { errorMsg: "gone", score: NOW_S - 10 * 86_400 }),
  task("completed", "c1", { completedAt: NOW_S - 50, retention: 3600, score: NOW_S - 50 + 3600, result: "ok" }),
  task("completed", "c2", { completedAt: NOW_S - 5000, retention: 86_400, score: NOW_S - 5000 + 86_400 }),
  task("aggregating", "ag1", { group: "digest", score: NOW_S - 10 }),
  task("aggregating", "ag2", { group: "digest", score: NOW_S - 5 }),
  task("aggregating", "ag3", { group: "alerts", score: NOW_S - 20 }),
  task("active", "act1", { leaseAt: NOW_S - 1 }),
  task("active", "act2", { leaseAt: NOW_S + 30 }),
];

let inspector: Inspector;
beforeEach(async () => {
  await seedTasks(t.redis(), fixture);
  inspector = new Inspector(t.redis(), { clock: new SimulatedClock(NOW_S * 1000) });
});
afterEach(async () => {
  await inspector.close();
});

const ids = (xs: (TaskInfo | CorruptTaskInfo)[]): string[] => xs.map((x) => x.id);
const at = (s: number): Date => new Date(s * 1000);

const cases: { state: TaskState; query: SearchQuery; want: string[] }[] = [
  { state: "pending", query: {}, want: ["p1", "p2", "p3", "p4"] },
  { state: "pending", query: { type: "email:welcome" }, want: ["p1", "p4"] },
  { state: "pending", query: { typePrefix: "email:" }, want: ["p1", "p2", "p4"] },
  { state: "pending", query: { payloadContains: "hello" }, want: ["p4"] },
  { state: "pending", query: { payloadContains: new Uint8Array([0x00, 0xfe]) }, want: ["p3"] },
  { state: "pending", query: { payloadContains: "ab" }, want: ["p3"] },
  { state: "pending", query: { json: { path: "user.id", equals: 42 } }, want: ["p1"] },
  { state: "pending", query: { json: { path: "user.id", equals: "7" } }, want: ["p2"] },
  { state: "pending", query: { json: { path: "user", equals: { id: 7 } } }, want: ["p2"] },
  { state: "pending", query: { json: { path: "lang", equals: "en" }, typePrefix: "email:" }, want: ["p1"] },
  { state: "pending", query: { json: { path: "user.id.x", equals: 42 } }, want: [] },
  { state: "pending", query: { from: at(NOW_S - 7200), to: at(NOW_S - 1800) }, want: ["p1"] },
  { state: "pending", query: { from: (NOW_S - 60) * 1000 }, want: ["p2"] },
  { state: "scheduled", query: { from: at(NOW_S), to: at(NOW_S + 3600) }, want: ["s1", "s2"] },
  { state: "scheduled", query: { from: (NOW_S + 60) * 1000 + 1 }, want: ["s2", "s3"] },
  { state: "scheduled", query: { typePrefix: "report:" }, want: ["s2", "s3"] },
  { state: "retry", query: { errorContains: "refused" }, want: ["r1"] },
  { state: "retry", query: { to: at(NOW_S + 60) }, want: ["r1"] },
  { state: "archived", query: { errorContains: "boom" }, want: ["a1"] },
  { state: "archived", query: { from: at(NOW_S - 3600) }, want: ["a1"] },
  { state: "completed", query: { from: at(NOW_S - 100) }, want: ["c1"] },
  { state: "completed", query: { to: at(NOW_S - 1000) }, want: ["c2"] },
  { state: "aggregating", query: {}, want: ["ag3", "ag1", "ag2"] },
  { state: "aggregating", query: { group: "digest" }, want: ["ag1", "ag2"] },
  { state: "aggregating", query: { from: at(NOW_S - 7) }, want: ["ag2"] },
  { state: "active", query: {}, want: ["act1", "act2"] },
  { state: "active", query: { type: "nope" }, want: [] },
];

describe("search filters", () => {
  it.each(cases)("$state $query", async ({ state, query, want }) => {
    const r = await inspector.search(q, state, query);
    expect(ids(r.matches)).toEqual(want);
    expect(r.nextCursor).toBeNull();
    expect(r.scanned).toBeLessThanOrEqual(r.total);
  });

  it("returns full TaskInfo: times, result, orphan flag", async () => {
    const [p4] = (await inspector.search(q, "pending", { payloadContains: "hello" })).matches as TaskInfo[];
    expect(p4).toMatchObject({ id: "p4", queue: q, state: "pending", nextProcessAt: at(NOW_S), maxRetry: 25 });
    expect(Buffer.from(p4!.result!).toString()).toBe("sent");
    const [s1] = (await inspector.search(q, "scheduled", { type: "email:welcome" })).matches as TaskInfo[];
    expect(s1!.nextProcessAt).toEqual(at(NOW_S + 60));
    const [r1] = (await inspector.search(q, "retry", { errorContains: "smtp" })).matches as TaskInfo[];
    expect(r1).toMatchObject({ lastErr: "smtp: connection refused", retried: 2, nextProcessAt: at(NOW_S + 30) });
    const [c1] = (await inspector.search(q, "completed", { from: at(NOW_S - 100) })).matches as TaskInfo[];
    expect(c1).toMatchObject({ completedAt: at(NOW_S - 50), nextProcessAt: null });
    expect(Buffer.from(c1!.result!).toString()).toBe("ok");
    const active = (await inspector.search(q, "active")).matches as TaskInfo[];
    expect(active.map((x) => [x.id, x.isOrphaned])).toEqual([
      ["act1", true],
      ["act2", false],
    ]);
    const [ag] = (await inspector.search(q, "aggregating", { group: "alerts" })).matches as TaskInfo[];
    expect(ag).toMatchObject({ id: "ag3", group: "alerts", state: "aggregating" });
  });

  it("counts scanned and total; a time range narrows a zset's total", async () => {
    expect(await inspector.search(q, "pending", { type: "none" })).toMatchObject({ scanned: 4, total: 4, matches: [] });
    const r = await inspector.search(q, "scheduled", { from: at(NOW_S + 3600) });
    expect(r).toMatchObject({ scanned: 2, total: 2 });
    expect((await inspector.search(q, "aggregating")).total).toBe(3);
  });

  it("reports unreadable records as CorruptTaskInfo unless includeCorrupt is false", async () => {
    await t.redis().rpush(keys.pendingKey(q), "ghost");
    await t.redis().hset(keys.taskKey(q, "s2"), "msg", Buffer.from([0xff, 0xff, 0xff]));
    const pending = await inspector.search(q, "pending", { type: "email:welcome" });
    expect(ids(pending.matches)).toEqual(["ghost", "p1", "p4"]);
    expect(pending.matches[0]).toMatchObject({ corrupt: true, key: keys.taskKey(q, "ghost"), state: "pending" });
    const scheduled = await inspector.search(q, "scheduled", { typePrefix: "report:" });
    expect(scheduled.matches.map((x) => [x.id, isCorruptTaskInfo(x)])).toEqual([
      ["s2", true],
      ["s3", false],
    ]);
    const clean = await inspector.search(q, "pending", { type: "email:welcome", includeCorrupt: false });
    expect(ids(clean.matches)).toEqual(["p1", "p4"]);
  });

  it("fails with QueueNotFoundError for an unknown queue", async () => {
    await expect(inspector.search("nope", "pending")).rejects.toSatisfy(isQueueNotFoundError);
  });
});

describe("search validation", () => {
  const bad: { name: string; state?: unknown; query?: unknown; options?: object; field: string }[] = [
    { name: "unknown state", state: "done", field: "state" },
    { name: "unknown field", query: { payload: "x" }, field: "query.payload" },
    { name: "from after to", query: { from: 2000, to: 1000 }, field: "query.to" },
    { name: "from not a time", query: { from: "yesterday" }, field: "query.from" },
    { name: "invalid Date", query: { to: new Date("x") }, field: "query.to" },
    { name: "time range on active", state: "active", query: { from: 0 }, field: "query.from" },
    { name: "group outside aggregating", query: { group: "g" }, field: "query.group" },
    { name: "empty type", query: { type: "" }, field: "query.type" },
    { name: "empty payload needle", query: { payloadContains: "" }, field: "query.payloadContains" },
    { name: "bad json path", query: { json: { path: "a..b", equals: 1 } }, field: "query.json.path" },
    { name: "json without equals", query: { json: { path: "a" } }, field: "query.json.equals" },
    { name: "includeCorrupt not boolean", query: { includeCorrupt: "yes" }, field: "query.includeCorrupt" },
    { name: "budget 0", options: { budget: 0 }, field: "budget" },
    { name: "budget fraction", options: { budget: 1.5 }, field: "budget" },
    { name: "garbage cursor", options: { cursor: "garbage" }, field: "cursor" },
  ];
  it.each(bad)("$name → InvalidOptionError naming $field", async (c) => {
    const call = inspector.search(q, (c.state ?? "pending") as TaskState, c.query as SearchQuery, c.options);
    const e = await call.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InvalidOptionError);
    expect((e as InvalidOptionError).option).toBe(c.field);
    expect((e as InvalidOptionError).message).toMatch(/got .+; accepted: .+/);
  });

  it("rejects a cursor from another query or state", async () => {
    const { nextCursor } = await inspector.search(q, "pending", {}, { budget: 1 });
    expect(nextCursor).not.toBeNull();
    await expect(inspector.search(q, "pending", { type: "x" }, { cursor: nextCursor })).rejects.toMatchObject({
      option: "cursor",
    });
    await expect(inspector.search(q, "retry", {}, { cursor: nextCursor })).rejects.toMatchObject({ option: "cursor" });
  });
});
