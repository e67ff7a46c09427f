// Vitest global setup of the cluster project: one private 3-master Redis Cluster for the whole run
// (or the existing cluster in REDIS_CLUSTER="host:port,host:port,..."); useTestRedis() then targets it.
import type { TestProject } from "vitest/node";
import type { RedisNode } from "../../src/redis-options.js";
import { startRedisCluster, type RedisClusterProcess } from "./redis-cluster.js";

let cluster: RedisClusterProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let nodes: RedisNode[];
  const given = process.env.REDIS_CLUSTER;
  if (given) {
    nodes = given.split(",").map((hp) => {
      const i = hp.lastIndexOf(":");
      return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
    });
  } else {
    cluster = await startRedisCluster(3);
    nodes = cluster.nodes;
  }
  process.env.VIGIL_TEST_CLUSTER = "1";
  project.provide("redisCluster", nodes);
  return async () => {
    await cluster?.stop();
  };
}
