// Inspector reads about Redis itself: INFO (per primary), and where a queue lives in a Redis Cluster
// (Go's Inspector.ClusterKeySlot / ClusterNodes).
import { Cluster, type Redis } from "ioredis";
import { FailedPreconditionError } from "../../errors.js";
import type { ClusterNodeInfo, RedisNodeInfo } from "../../inspector-types.js";
import * as keys from "../base/keys.js";

/** Parses INFO text into key → value (sections flattened). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** INFO of every primary (one entry on a single node). */
export async function redisInfo(redis: Redis | Cluster): Promise<RedisNodeInfo[]> {
  const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
  return Promise.all(
    nodes.map(async (n) => {
      const info = parseInfo(await n.info());
      return {
        address: `${n.options.host ?? "127.0.0.1"}:${n.options.port ?? 6379}`,
        version: info.redis_version ?? "",
        uptimeSeconds: Number(info.uptime_in_seconds ?? 0),
        connectedClients: Number(info.connected_clients ?? 0),
        usedMemoryBytes: Number(info.used_memory ?? 0),
        usedMemoryPeakBytes: Number(info.used_memory_peak ?? 0),
        maxMemoryBytes: Number(info.maxmemory ?? 0),
        role: info.role ?? "",
        info,
      };
    }),
  );
}

function requireCluster(redis: Redis | Cluster, op: string): Cluster {
  if (!(redis instanceof Cluster)) throw new FailedPreconditionError(op, `${op}: not connected to a Redis Cluster`);
  return redis;
}

/** The hash slot of a queue's keys (Go: Inspector.ClusterKeySlot: CLUSTER KEYSLOT asynq:{q}:pending). */
export async function clusterKeySlot(redis: Redis | Cluster, queue: string): Promise<number> {
  const c = requireCluster(redis, "inspector.clusterKeySlot");
  return Number(await c.cluster("KEYSLOT", keys.pendingKey(queue)));
}

/** The nodes serving a queue's slot (Go: Inspector.ClusterNodes, from CLUSTER SLOTS). */
export async function clusterNodes(redis: Redis | Cluster, queue: string): Promise<ClusterNodeInfo[]> {
  const c = requireCluster(redis, "inspector.clusterNodes");
  const slot = Number(await c.cluster("KEYSLOT", keys.pendingKey(queue)));
  const ranges = (await c.cluster("SLOTS")) as unknown as [number, number, ...[string, number, string?][]][];
  const range = ranges.find(([lo, hi]) => slot >= lo && slot <= hi);
  if (!range) return [];
  const [, , ...nodes] = range;
  return nodes.map(([host, port, id]) => ({ id: id ?? "", addr: `${host}:${port}` }));
}
