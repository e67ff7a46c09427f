// Inspector.redisInfo on a single node; the cluster-only calls refuse clearly off a cluster.
import { describe, expect, it } from "vitest";
import { Inspector } from "../src/inspector.js";
import { isFailedPreconditionError } from "../src/errors.js";
import { useTestRedis } from "./support/redis.js";

const t = useTestRedis();

describe("Inspector: Redis itself", () => {
  it("redisInfo reports the server's version, memory and clients", async () => {
    const i = new Inspector(t.connection());
    try {
      const [node, ...rest] = await i.redisInfo();
      expect(rest).toHaveLength(0);
      expect(node!.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(node!.usedMemoryBytes).toBeGreaterThan(0);
      expect(node!.connectedClients).toBeGreaterThan(0);
      expect(node!.info.redis_version).toBe(node!.version);
      if (!t.cluster) {
        const err = await i.clusterKeySlot("default").catch((e: unknown) => e);
        expect(isFailedPreconditionError(err)).toBe(true);
        expect(String(err)).toContain("not connected to a Redis Cluster");
      }
    } finally {
      await i.close();
    }
  });
});
