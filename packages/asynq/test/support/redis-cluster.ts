// Starts a private Redis Cluster for tests: N masters (default 3) on loopback ports, no replicas, each
// redis-server with its own temp dir and cluster config file; joined with `redis-cli --cluster create`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { RedisNode } from "../../src/redis-options.js";
import { freePort, startRedisServer, type RedisProcess } from "./redis-server.js";

/** A Redis Cluster this process started. */
export interface RedisClusterProcess {
  /** The masters, in start order. */
  nodes: RedisNode[];
  /** Stops every node and removes their temp dirs. */
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} failed to start: ${e.message}`, { cause: e }));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}:\n${out}`));
    });
  });
}

/** Waits until every node reports cluster_state:ok, knows all nodes and sees all 16384 slots served. */
async function waitClusterOk(nodes: RedisNode[], timeoutMs = 20_000): Promise<void> {
  const clients = nodes.map((n) => new Redis({ ...n, lazyConnect: true, maxRetriesPerRequest: 1 }));
  const deadline = Date.now() + timeoutMs;
  let last = "";
  try {
    for (;;) {
      const infos = await Promise.all(clients.map((c) => c.cluster("INFO")));
      const ok = infos.every(
        (i) =>
          /cluster_state:ok/.test(i) &&
          new RegExp(`cluster_known_nodes:${nodes.length}\\b`).test(i) &&
          /cluster_slots_ok:16384\b/.test(i),
      );
      if (ok) return;
      last = infos.join("\n---\n");
      if (Date.now() > deadline) throw new Error(`Redis Cluster did not become ready:\n${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/**
 * Starts `masters` redis-server processes with `--cluster-enabled yes` and joins them into one cluster
 * (all slots assigned, `cluster_state:ok` on every node). On failure every started node is stopped.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const servers: RedisProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      // The bus port is chosen explicitly: the default (port + 10000) can fall outside 1..65535.
      const busPort = await freePort();
      const server = await startRedisServer([
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-port",
        String(busPort),
        "--cluster-node-timeout",
        "5000",
      ]);
      servers.push(server);
      if (!existsSync(join(server.dir, "nodes.conf"))) throw new Error(`node ${server.port} wrote no nodes.conf`);
    }
    const nodes = servers.map((s) => ({ host: "127.0.0.1", port: s.port }));
    await run(
      "redis-cli",
      ["--cluster", "create", ...nodes.map((n) => `${n.host}:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"],
      30_000,
    );
    await waitClusterOk(nodes);
    return { nodes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
