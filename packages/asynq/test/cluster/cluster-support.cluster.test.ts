// The cluster test support itself: a healthy 3-master cluster, queues spread over masters, per-test flush
// and dumps across masters, and Redis refusing cross-slot scripts (so the suites here prove single-slot Lua).
import { Cluster } from "ioredis";
import { describe, expect, it } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import { Inspector } from "../../src/inspector.js";
import { useTestRedis } from "../support/redis.js";
import { dumpRedis } from "../support/scene.js";
import { seedTasks } from "../support/seed-tasks.js";

const t = useTestRedis();

/** The master serving `key`, as host:port. */
async function ownerOf(key: string): Promise<string> {
  const slot = Number(await (t.redis() as unknown as Cluster).cluster("KEYSLOT", key));
  const slots = await (t.redis() as unknown as Cluster).cluster("SLOTS");
  const [host, port] = slots.find(([lo, hi]) => slot >= lo && slot <= hi)![2]!;
  return `${host}:${port}`;
}

/** Queue names whose keys live on `n` different masters. */
async function queuesOnDistinctMasters(n: number): Promise<string[]> {
  const byOwner = new Map<string, string>();
  for (let i = 0; byOwner.size < n && i < 1000; i++) {
    const q = `q${i}`;
    const owner = await ownerOf(keys.pendingKey(q));
    if (!byOwner.has(owner)) byOwner.set(owner, q);
  }
  return [...byOwner.values()];
}

describe("test Redis Cluster", () => {
  it("is a healthy cluster of 3 masters, which useTestRedis targets", async () => {
    expect(t.cluster).toBe(true);
    expect(t.redis()).toBeInstanceOf(Cluster);
    const masters = await t.primaries();
    expect(masters).toHaveLength(3);
    for (const m of masters) expect(await m.cluster("INFO")).toMatch(/cluster_state:ok/);
    expect(() => t.url()).toThrow(/no URL/);
    expect(t.connection()).toMatchObject({ cluster: expect.any(Array) });
  });

  it("spreads queues over the masters; dbsize, keys and dumps see all of them; each test starts empty", async () => {
    const queues = await queuesOnDistinctMasters(3);
    expect(queues).toHaveLength(3);
    await seedTasks(
      t.redis(),
      queues.map((queue) => ({ queue, id: "a", state: "pending" as const })),
    );
    for (const m of await t.primaries()) expect(await m.dbsize()).toBeGreaterThan(0);
    expect(await t.redis().dbsize()).toBe(1 + 2 * queues.length);
    expect((await t.redis().keys("*")).sort()).toEqual(Object.keys((await dumpRedis(t.redis())).keys));
    const inspector = new Inspector(t.connection());
    try {
      expect(await inspector.queues()).toEqual([...queues].sort());
      for (const q of queues) expect((await inspector.getQueueInfo(q)).pending).toBe(1);
    } finally {
      await inspector.close();
    }
  });

  it("was flushed before this test on every master", async () => {
    for (const m of await t.primaries()) expect(await m.dbsize()).toBe(0);
  });

  it("refuses a script whose keys span two slots, so passing suites show single-slot scripts", async () => {
    const [a, b] = await queuesOnDistinctMasters(2);
    const both = t.redis().eval("return 1", 2, keys.pendingKey(a!), keys.pendingKey(b!));
    await expect(both).rejects.toThrow(/CROSSSLOT|same slot/);
    const hidden = t.redis().eval("return redis.call('LLEN', ARGV[1])", 1, keys.pendingKey(a!), keys.pendingKey(b!));
    await expect(hidden).rejects.toThrow(/slot|non local key/i);
  });
});
