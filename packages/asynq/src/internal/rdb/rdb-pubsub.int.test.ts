// The subscriber connection: cancellation messages on asynq:cancel (spec §8) surviving reconnects, and
// waitForWork's instant pickup from Vigil's wake channel (enqueue, forward, requeue), timeouts and aborts.
import { describe, expect, it } from "vitest";
import { msg, seedActive, seedZset, secondsOf, useBroker } from "../../../test/support/broker-fixtures.js";
import { Redis } from "ioredis";
import * as keys from "../base/keys.js";
import { systemClock } from "../clock.js";
import { RedisBroker } from "./rdb.js";

const b = useBroker();
const Q = "default";

/** Resolves when `check` returns true, polling every 10 ms for at most `ms`. */
async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = systemClock.nowMs() + ms;
  while (!(await check())) {
    if (systemClock.nowMs() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Kills the pub/sub connections on this worker's DB (other workers' tests keep theirs); ioredis reconnects them. */
async function killSubscribers(): Promise<void> {
  const db = Number(new URL(b.url()).pathname.slice(1));
  const list = String(await b.redis().call("CLIENT", "LIST", "TYPE", "pubsub"));
  const ids = [...list.matchAll(/^id=(\d+) .* db=(\d+) /gm)].filter((m) => Number(m[2]) === db).map((m) => m[1]!);
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) await b.redis().call("CLIENT", "KILL", "ID", id);
}

describe("cancellation subscription", () => {
  it("delivers task ids published on asynq:cancel, and stops after close", async () => {
    const { broker } = b.broker();
    const got: string[] = [];
    const sub = await broker.subscribeCancellations((id) => got.push(id));
    expect(await b.redis().publish(keys.cancelChannel, "task-1")).toBe(1);
    await until(async () => got.length === 1);
    expect(got).toEqual(["task-1"]);
    await sub.close();
    await until(async () => (await b.redis().pubsub("NUMSUB", keys.cancelChannel))[1] === 0);
  });

  it("re-subscribes after the subscriber connection is dropped", async () => {
    const { broker } = b.broker();
    const got: string[] = [];
    await broker.subscribeCancellations((id) => got.push(id));
    await killSubscribers();
    await until(async () => (await b.redis().publish(keys.cancelChannel, "again")) === 1);
    await until(async () => got.includes("again"));
  });
});

describe("without Redis", () => {
  it("subscribeCancellations rejects as UNAVAILABLE and waitForWork tells the caller to poll", async () => {
    const redis = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    redis.on("error", () => {});
    const broker = new RedisBroker(redis, { ownsConnection: true, onSubscriberError: () => {} });
    try {
      await expect(broker.subscribeCancellations(() => {})).rejects.toMatchObject({ code: "UNAVAILABLE" });
      expect(await broker.waitForWork([Q], 5_000)).toBe(true);
    } finally {
      await broker.close();
    }
  });
});

describe("waitForWork", () => {
  it("returns true until the subscription is confirmed (wake-ups may be lost), then times out with false", async () => {
    const { broker } = b.broker();
    expect(await broker.waitForWork([Q], 0)).toBe(true);
    expect(await broker.waitForWork([Q], 5_000)).toBe(true);
    expect(await broker.waitForWork([Q], 30)).toBe(false);
  });

  it("wakes an idle waiter when another process enqueues, forwards or requeues into its queue", async () => {
    const { broker, clock } = b.broker();
    const producer = b.broker(clock).broker;
    expect(await broker.waitForWork([Q, "low"], 5_000)).toBe(true);
    const started = systemClock.nowMs();

    let waiting = broker.waitForWork([Q, "low"], 10_000);
    await producer.enqueue(msg());
    expect(await waiting).toBe(true);

    waiting = broker.waitForWork([Q, "low"], 10_000);
    await seedZset(b.redis(), msg({ queue: "low" }), "scheduled", secondsOf(clock));
    expect(await producer.forward("low")).toBe(1);
    expect(await waiting).toBe(true);

    const active = msg();
    await seedActive(b.redis(), active, secondsOf(clock) + 30);
    waiting = broker.waitForWork([Q, "low"], 10_000);
    await producer.requeue(active);
    expect(await waiting).toBe(true);
    expect(systemClock.nowMs() - started).toBeLessThan(5_000);
  });

  it("remembers a wake-up that arrived while nobody waited", async () => {
    const { broker } = b.broker();
    expect(await broker.waitForWork([Q], 5_000)).toBe(true);
    await b.redis().publish(keys.wakeChannel(Q), "");
    const started = systemClock.nowMs();
    expect(await broker.waitForWork([Q], 10_000)).toBe(true);
    expect(systemClock.nowMs() - started).toBeLessThan(5_000);
    expect(await broker.waitForWork([Q], 20)).toBe(false);
  });

  it("ignores wake-ups of other queues", async () => {
    const { broker } = b.broker();
    expect(await broker.waitForWork(["low"], 5_000)).toBe(true);
    const waiting = broker.waitForWork(["low"], 100);
    await b.redis().publish(keys.wakeChannel(Q), "");
    expect(await waiting).toBe(false);
  });

  it("resolves false on abort and on close", async () => {
    const { broker } = b.broker();
    expect(await broker.waitForWork([Q], 5_000)).toBe(true);
    const ac = new AbortController();
    const aborted = broker.waitForWork([Q], 10_000, ac.signal);
    ac.abort();
    expect(await aborted).toBe(false);
    const closed = broker.waitForWork([Q], 10_000);
    await broker.close();
    expect(await closed).toBe(false);
  });

  it("wakes waiters when the subscriber reconnects (messages may have been lost)", async () => {
    const { broker } = b.broker();
    expect(await broker.waitForWork([Q], 5_000)).toBe(true);
    const waiting = broker.waitForWork([Q], 10_000);
    await killSubscribers();
    expect(await waiting).toBe(true);
  });
});
