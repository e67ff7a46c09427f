// Go's Inspector.ClusterKeySlot / ClusterNodes, and redisInfo on every master of the test cluster.
import { type Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Inspector } from "../../src/inspector.js";
import * as keys from "../../src/internal/base/keys.js";
import { useTestRedis } from "../support/redis.js";

const t = useTestRedis();

describe("Inspector on a Redis Cluster", () => {
  it("clusterKeySlot and clusterNodes locate a queue; redisInfo lists every master", async () => {
    const i = new Inspector(t.connection());
    try {
      const slot = await i.clusterKeySlot("critical");
      expect(slot).toBe(
        Number(await (t.redis() as unknown as Cluster).cluster("KEYSLOT", keys.pendingKey("critical"))),
      );
      const nodes = await i.clusterNodes("critical");
      expect(nodes).toHaveLength(1);
      const [host, port] = nodes[0]!.addr.split(":");
      const owner = new Redis({ host, port: Number(port) });
      expect(String(await owner.call("CLUSTER", "MYID"))).toBe(nodes[0]!.id);
      owner.disconnect();
      expect(await i.redisInfo()).toHaveLength(3);
    } finally {
      await i.close();
    }
  });
});
