// Aggregation check / read / delete script outputs (spec §11.2, §11.3) and the broker's plain enqueue.
import { describe, expect, it } from "vitest";
import { msg, secondsOf, useBroker, writeHash } from "../../../test/support/broker-fixtures.js";
import { isTaskIdConflictError } from "../../errors.js";
import * as keys from "../base/keys.js";
import { decodeTaskMessage } from "../base/message.js";
import { unixNanos } from "../clock.js";

const b = useBroker();
const Q = "default";
const G = "digest:user:42";
const none = { maxSize: 0, maxDelaySeconds: 0, gracePeriodSeconds: 60 };

/** Adds `n` grouped tasks with the given scores; returns their ids. */
async function group(scores: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const s of scores) {
    const m = msg({ groupKey: G });
    await writeHash(b.redis(), m, "aggregating", { group: G });
    await b.redis().zadd(keys.groupKey(Q, G), s, m.id);
    ids.push(m.id);
  }
  await b.redis().sadd(keys.allGroups(Q), G);
  return ids;
}

describe("aggregationCheck", () => {
  it("returns null for an empty group and when no criterion is met", async () => {
    const { broker, clock } = b.broker();
    expect(await broker.aggregationCheck(Q, G, none)).toBeNull();
    await group([secondsOf(clock) - 10]);
    expect(await broker.aggregationCheck(Q, G, none)).toBeNull();
    expect(await b.redis().exists(keys.allAggregationSets(Q))).toBe(0);
  });

  it("max size: moves the oldest maxSize members and keeps the group name while members remain", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    const ids = await group([now - 3, now - 2, now - 1]);
    const setId = await broker.aggregationCheck(Q, G, { ...none, maxSize: 2 });
    const set = keys.aggregationSetKey(Q, G, setId!);
    expect(await b.redis().zrange(set, "0", "-1", "WITHSCORES")).toEqual([
      ids[0],
      String(now - 3),
      ids[1],
      String(now - 2),
    ]);
    expect(await b.redis().zrange(keys.groupKey(Q, G), "0", "-1")).toEqual([ids[2]]);
    expect(await b.redis().zscore(keys.allAggregationSets(Q), set)).toBe(String(now + 120));
    expect(await b.redis().sismember(keys.allGroups(Q), G)).toBe(1);
    // The last member leaves by the grace period; now the name goes.
    const second = await broker.aggregationCheck(Q, G, { maxSize: 2, maxDelaySeconds: 0, gracePeriodSeconds: 1 });
    expect(second).not.toBeNull();
    expect(await b.redis().exists(keys.groupKey(Q, G), keys.allGroups(Q))).toBe(0);
  });

  it("max delay: the oldest member waited long enough, everything moves and the name goes", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    await group([now - 5, now]);
    expect(await broker.aggregationCheck(Q, G, { ...none, maxDelaySeconds: 6 })).toBeNull();
    const setId = await broker.aggregationCheck(Q, G, { ...none, maxDelaySeconds: 5 });
    expect(await b.redis().zcard(keys.aggregationSetKey(Q, G, setId!))).toBe(2);
    expect(await b.redis().exists(keys.groupKey(Q, G), keys.allGroups(Q))).toBe(0);
  });

  it("grace period: the newest member is old enough", async () => {
    const { broker, clock } = b.broker();
    const now = secondsOf(clock);
    await group([now - 9, now - 2]);
    expect(await broker.aggregationCheck(Q, G, { ...none, gracePeriodSeconds: 3 })).toBeNull();
    expect(await broker.aggregationCheck(Q, G, { ...none, gracePeriodSeconds: 2 })).not.toBeNull();
  });

  it("read returns member messages (missing hashes skipped) and the deadline; delete removes set and hashes", async () => {
    const { broker, clock } = b.broker();
    const ids = await group([secondsOf(clock) - 100, secondsOf(clock) - 99]);
    await b.redis().zadd(keys.groupKey(Q, G), secondsOf(clock) - 98, "ghost");
    const setId = (await broker.aggregationCheck(Q, G, none))!;
    const read = await broker.readAggregationSet(Q, G, setId);
    expect(read.msgs.map((m) => m.id)).toEqual(ids);
    expect(read.deadlineMs).toBe((secondsOf(clock) + 120) * 1000);
    await broker.deleteAggregationSet(Q, G, setId);
    expect(await b.redis().dbsize()).toBe(0);
  });
});

describe("enqueue (aggregated task)", () => {
  it("registers the queue, writes a pending task with pending_since, and refuses a taken id", async () => {
    const { broker, clock } = b.broker();
    const m = msg({ queue: "digests" });
    await broker.enqueue(m);
    expect(await b.redis().smembers(keys.allQueues)).toEqual(["digests"]);
    expect(await b.redis().lrange(keys.pendingKey("digests"), 0, -1)).toEqual([m.id]);
    const h = await b.redis().hgetallBuffer(keys.taskKey("digests", m.id));
    expect(decodeTaskMessage(h.msg!)).toEqual(m);
    expect(h.state!.toString()).toBe("pending");
    expect(h.pending_since!.toString()).toBe(String(unixNanos(clock)));
    await expect(broker.enqueue(m)).rejects.toSatisfy(isTaskIdConflictError);
  });
});
