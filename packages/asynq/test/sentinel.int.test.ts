// Connecting through Redis Sentinel: a private primary plus one sentinel on loopback; Client and Inspector
// given a redis-sentinel:// URL (or a SentinelConnection) reach the primary.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { Client } from "../src/client.js";
import { Inspector } from "../src/inspector.js";
import { freePort, startRedisServer } from "./support/redis-server.js";

describe("Redis Sentinel connections", () => {
  it("Client and Inspector find the primary through a sentinel", async () => {
    const primary = await startRedisServer();
    const port = await freePort();
    const conf = join(primary.dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${primary.dir}`,
        `sentinel monitor vigilmaster 127.0.0.1 ${primary.port} 1`,
      ].join("\n") + "\n",
    );
    // A sentinel runs from its own config file (it rewrites it), so it is started here rather than by startRedisServer.
    const child = spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" });
    const probe = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      retryStrategy: () => 50,
      maxRetriesPerRequest: 0,
    });
    probe.on("error", () => {});
    try {
      for (let i = 0; i < 100; i++) {
        try {
          if (probe.status !== "ready") await probe.connect();
          const addr = (await probe.call("SENTINEL", "get-master-addr-by-name", "vigilmaster")) as string[] | null;
          if (addr?.[1] === String(primary.port)) break;
        } catch {
          /* not up yet */
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const client = new Client(`redis-sentinel://127.0.0.1:${port}/3?master=vigilmaster`);
      const info = await client.enqueue("transfer_sync_tcb", { batch: 7 }, { queue: "critical" });
      await client.close();
      const direct = new Redis({ port: primary.port, host: "127.0.0.1", db: 3 });
      expect(await direct.lrange("asynq:{critical}:pending", 0, -1)).toEqual([info.id]);
      await direct.quit();
      const inspector = new Inspector({ sentinels: [{ host: "127.0.0.1", port }], name: "vigilmaster", db: 3 });
      expect((await inspector.getQueueInfo("critical")).pending).toBe(1);
      await inspector.close();
    } finally {
      probe.disconnect();
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await primary.stop();
    }
  });
});
