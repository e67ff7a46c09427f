// The broker side of Vigil's additions on a real Redis: the rate-limit window (grants, reservations in time
// order, reuse of a reservation), defer/release without touching the task message, log append caps and TTL,
// and the history/checkpoint part of the succeed-many call of finalizeMany (one script call per queue per batch).
import { describe, expect, it } from "vitest";
import { msg, seedActive, secondsOf, useBroker } from "../../../test/support/broker-fixtures.js";
import * as keys from "../base/keys.js";

const b = useBroker();
const spec = { queue: undefined, taskType: "notification_send", limit: 3, perMs: 1000 };

describe("acquireRateLimit", () => {
  it("grants `limit` starts per window and reserves later slots in time order", async () => {
    const { broker } = b.broker();
    const waits = await broker.acquireRateLimit(spec, ["a", "b", "c", "d", "e", "f", "g"]);
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    // d, e, f get the slots freed when a, b, c leave the window; g the one after d's.
    for (const w of waits.slice(3, 6)) {
      expect(w).toBeGreaterThan(950);
      expect(w).toBeLessThanOrEqual(1000);
    }
    expect(waits[6]).toBeGreaterThan(1950);
    expect(waits[6]).toBeLessThanOrEqual(2000);
    const key = keys.rateLimitKey(spec);
    expect(await b.redis().zcard(key)).toBe(7);
    expect(await b.redis().pttl(key)).toBeGreaterThan(2000);
    // Asking again before its slot: same reservation, no new one.
    const [again] = await broker.acquireRateLimit(spec, ["d"]);
    expect(again).toBeGreaterThan(0);
    expect(again).toBeLessThanOrEqual(waits[3]!);
    expect(await b.redis().zcard(key)).toBe(7);
  });

  it("lets a task use its reservation once the slot has come, without counting it twice", async () => {
    const { broker } = b.broker();
    const one = { ...spec, limit: 1, perMs: 200 };
    expect(await broker.acquireRateLimit(one, ["a", "b"])).toEqual([0, expect.any(Number)]);
    await new Promise((r) => setTimeout(r, 210));
    expect(await broker.acquireRateLimit(one, ["b"])).toEqual([0]);
    // b's start now fills the window: c must wait for it.
    const [c] = await broker.acquireRateLimit(one, ["c"]);
    expect(c).toBeGreaterThan(0);
    const members = await b.redis().zrange(keys.rateLimitKey(one), "0", "-1");
    expect(members.filter((m) => m.startsWith("b@"))).toHaveLength(1);
  });
});

describe("deferTasks / releaseDeferred", () => {
  it("moves active tasks to scheduled with the message untouched, then to the head of pending", async () => {
    const { broker, clock } = b.broker();
    const m = msg({ retried: 2, errorMsg: "earlier" });
    const other = msg();
    await seedActive(b.redis(), m, secondsOf(clock) + 30);
    await b.redis().rpush(keys.pendingKey("default"), "older");
    const before = await b.redis().hget(keys.taskKey("default", m.id), "msg");
    const until = clock.nowMs() + 1500;
    expect(
      await broker.deferTasks("default", [
        { id: m.id, untilMs: until },
        { id: other.id, untilMs: until },
      ]),
    ).toEqual([true, false]);
    expect(await b.redis().lrange(keys.activeKey("default"), 0, -1)).toEqual([]);
    expect(await b.redis().zscore(keys.leaseKey("default"), m.id)).toBeNull();
    expect(await b.redis().zscore(keys.scheduledKey("default"), m.id)).toBe(String(Math.ceil(until / 1000)));
    expect(await b.redis().hget(keys.taskKey("default", m.id), "state")).toBe("scheduled");
    expect(await b.redis().hget(keys.taskKey("default", m.id), "msg")).toBe(before);
    expect(await b.redis().get(keys.failedTotalKey("default"))).toBeNull();
    expect(await broker.releaseDeferred("default", [m.id, other.id])).toBe(1);
    expect(await b.redis().lrange(keys.pendingKey("default"), -1, -1)).toEqual([m.id]);
    expect(await b.redis().hget(keys.taskKey("default", m.id), "state")).toBe("pending");
    expect(await b.redis().zcard(keys.scheduledKey("default"))).toBe(0);
    expect(await broker.releaseDeferred("default", [m.id])).toBe(0);
  });
});

describe("appendTaskLogs", () => {
  it("keeps the newest maxLines lines per task and sets the TTL, one pipeline per queue", async () => {
    const { broker } = b.broker();
    const line = (i: number) => ({ tsMs: 1000 + i, level: "info" as const, message: `l${i}`, fieldsJson: "" });
    await broker.appendTaskLogs(
      [
        { queue: "a", taskId: "t1", retried: 0, lines: [1, 2, 3, 4].map(line) },
        { queue: "b", taskId: "t2", retried: 1, lines: [line(9)] },
      ],
      { maxLines: 3, ttlMs: 60_000 },
    );
    const t1 = await b.redis().xrange(keys.taskLogKey("a", "t1"), "-", "+");
    expect(t1.map(([, f]) => f[f.indexOf("msg") + 1])).toEqual(["l2", "l3", "l4"]);
    expect((await b.redis().xrange(keys.taskLogKey("b", "t2"), "-", "+"))[0]![1]).toEqual([
      "ts",
      "1009",
      "level",
      "info",
      "msg",
      "l9",
      "fields",
      "",
      "retried",
      "1",
    ]);
    const pttl = await b.redis().pttl(keys.taskLogKey("a", "t1"));
    expect(pttl).toBeGreaterThan(59_000);
  });
});

describe("finalizeMany extras", () => {
  it("records runs and deletes final checkpoints in the finalization pipeline", async () => {
    const { broker, clock } = b.broker();
    const ok = msg();
    const failed = msg();
    for (const m of [ok, failed]) {
      await seedActive(b.redis(), m, secondsOf(clock) + 30);
      await b.redis().set(keys.checkpointKey("default", m.id), '{"state":1}');
    }
    const keep = { maxEntries: 10, retentionMs: 60_000 };
    const entry = (id: string, outcome: "success" | "retry") => ({
      taskId: id,
      type: "email:welcome",
      queue: "default",
      startMs: clock.nowMs() - 5,
      durationMs: 5,
      outcome,
      error: outcome === "retry" ? "boom" : "",
      finishMs: clock.nowMs(),
    });
    const results = await broker.finalizeMany([
      { kind: "done", msg: ok, run: { entry: entry(ok.id, "success"), keep }, dropCheckpoint: true },
      {
        kind: "retry",
        msg: failed,
        retryAtMs: clock.nowMs() + 1000,
        failure: { errorMsg: "boom", isFailure: true },
        run: { entry: entry(failed.id, "retry"), keep },
      },
    ]);
    expect(results).toEqual([null, null]);
    expect(await b.redis().exists(keys.checkpointKey("default", ok.id))).toBe(0);
    expect(await b.redis().exists(keys.checkpointKey("default", failed.id))).toBe(1);
    const runs = await b.redis().zrange(keys.runHistoryKey("default"), "0", "-1", "WITHSCORES");
    expect(runs).toHaveLength(4);
    expect(JSON.parse(runs[0]!)).toMatchObject({ outcome: expect.any(String), durationMs: 5 });
    expect(Number(runs[1])).toBe(clock.nowMs());
  });
});

describe("finalizeMany history trimming", () => {
  it("trims the history by age and count, also when no success carries it", async () => {
    const { broker, clock } = b.broker();
    const key = keys.runHistoryKey("default");
    const keep = { maxEntries: 3, retentionMs: 60_000 };
    await b.redis().zadd(key, clock.nowMs() - 120_000, "too-old", clock.nowMs() - 1000, "recent");
    const entry = (id: string) => ({
      taskId: id,
      type: "t",
      queue: "default",
      startMs: clock.nowMs() - 1,
      durationMs: 1,
      outcome: "retry" as const,
      error: 'bad "quote"\n',
      finishMs: clock.nowMs(),
    });
    const failed = [msg(), msg(), msg()];
    for (const m of failed) await seedActive(b.redis(), m, secondsOf(clock) + 30);
    const results = await broker.finalizeMany(
      failed.map((m) => ({
        kind: "retry" as const,
        msg: m,
        retryAtMs: clock.nowMs() + 1000,
        failure: { errorMsg: "bad", isFailure: true },
        run: { entry: entry(m.id), keep },
      })),
    );
    expect(results).toEqual([null, null, null]);
    const members = await b.redis().zrange(key, "0", "-1");
    expect(members).toHaveLength(3);
    expect(members).not.toContain("too-old");
    expect(members).not.toContain("recent");
    expect(JSON.parse(members[0]!)).toMatchObject({ error: 'bad "quote"\n', outcome: "retry" });
    expect(await b.redis().pttl(key)).toBeGreaterThan(59_000);
    // Under the cap: nothing of the batch is trimmed.
    const ok = msg();
    await seedActive(b.redis(), ok, secondsOf(clock) + 30);
    await b.redis().del(key);
    expect(
      await broker.finalizeMany([
        { kind: "done", msg: ok, run: { entry: { ...entry(ok.id), outcome: "success", error: "" }, keep } },
      ]),
    ).toEqual([null]);
    expect(await b.redis().zcard(key)).toBe(1);
    expect(await b.redis().exists(keys.taskKey("default", ok.id))).toBe(0);
  });
});
