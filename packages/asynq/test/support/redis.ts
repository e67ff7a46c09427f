// Per-test Redis access for integration tests: each vitest worker gets its own logical DB, flushed before each test.
// In the cluster project (a 3-master Redis Cluster, see cluster-global-setup.ts) it targets the whole cluster.
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeEach, inject } from "vitest";
import type { RedisConnectionOption, RedisNode } from "../../src/redis-options.js";

/** Logical DB of this vitest worker (1..63); DB 0 is left for humans poking at the test server. */
export function workerDb(): number {
  const id = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "1");
  return 1 + ((id - 1) % 63);
}

/** The Redis Cluster nodes this run targets (cluster project), or undefined on a single node. */
export function testClusterNodes(): RedisNode[] | undefined {
  const nodes = inject("redisCluster");
  return nodes && nodes.length > 0 ? nodes : undefined;
}

/** The URL of this worker's DB on the test Redis (single node only: a cluster has no URL form). */
export function testRedisUrl(): string {
  if (testClusterNodes()) {
    throw new Error("cluster mode: a Redis Cluster has no URL; use connection() or redis() of useTestRedis()");
  }
  const base = inject("redisUrl");
  return `${base.replace(/\/\d*$/, "")}/${workerDb()}`;
}

/** Whole-database commands that a cluster admin connection runs on every master (see {@link useTestRedis}). */
const FAN_OUT = new Set(["dbsize", "keys", "flushdb", "flushall", "script"]);

/**
 * A Cluster connection that answers the whole-database commands tests use (dbsize, keys, flushdb,
 * flushall, script) across every master, as one node would; everything else is the plain Cluster.
 */
function clusterAdmin(nodes: RedisNode[]): Cluster {
  const cluster = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
  const masters = async (): Promise<Redis[]> => {
    if (cluster.status !== "ready") await cluster.ping();
    return cluster.nodes("master");
  };
  const fanOut = async (cmd: string, args: unknown[]): Promise<unknown> => {
    const replies = await Promise.all(
      (await masters()).map((n) =>
        (n as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[cmd]!(...args),
      ),
    );
    if (cmd === "dbsize") return (replies as number[]).reduce((a, b) => a + b, 0);
    if (cmd === "keys") return (replies as string[][]).flat();
    return replies[0];
  };
  return new Proxy(cluster, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && FAN_OUT.has(prop)) return (...args: unknown[]) => fanOut(prop, args);
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * Registers a flush before each test and returns getters for an admin connection to this worker's DB, its
 * URL, and a connection option for Vigil constructors. The connection is closed after the file's tests.
 *
 * In the cluster project `redis()` is an ioredis Cluster (typed as Redis so single-node suites compile
 * unchanged): keyed commands route by slot, and dbsize/keys/flushdb/flushall/script run on every master.
 * `url()` throws there (a cluster has no URL); suites meant for both use `connection()` or pass `redis()`.
 * `primaries()` are the node connections (this worker's one, or every cluster master) and `db` the
 * logical DB the tests use on them (always 0 on a cluster).
 */
export function useTestRedis(): {
  redis: () => Redis;
  url: () => string;
  connection: () => RedisConnectionOption;
  cluster: boolean;
  primaries: () => Promise<Redis[]>;
  db: number;
} {
  const nodes = testClusterNodes();
  let admin: Redis | Cluster | undefined;
  const get = (): Redis =>
    (admin ??= nodes ? clusterAdmin(nodes) : new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 })) as Redis;
  beforeEach(async () => {
    await get().flushdb();
  });
  afterAll(async () => {
    await admin?.quit();
  });
  return {
    redis: get,
    url: testRedisUrl,
    connection: () => (nodes ? { cluster: nodes } : testRedisUrl()),
    cluster: nodes !== undefined,
    primaries: async () => {
      const r = get() as Redis | Cluster;
      if (!(r instanceof Cluster)) return [r];
      if (r.status !== "ready") await r.ping();
      return r.nodes("master");
    },
    db: nodes ? 0 : workerDb(),
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    /** Set by the cluster project's global setup: the masters of the test Redis Cluster. */
    redisCluster?: RedisNode[];
  }
}
