// Starts and stops private redis-server processes for tests: loopback only, a free port, a temp dir.
// Used by the vitest global setup (one server per run) and by the cluster tests (three masters).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** A redis-server this process started. */
export interface RedisProcess {
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  "redis-server was not found on PATH. Integration tests start their own Redis: install it " +
  "(Debian/Ubuntu: `apt-get install -y redis-server`, macOS: `brew install redis`) or set REDIS_URL.";

/** Throws with an install hint when redis-server is not installed. */
export function assertRedisInstalled(): void {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(INSTALL_HINT);
}

/** A TCP port on 127.0.0.1 that is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Waits until the redis-server `child` answers PING on `port` (10 s), or throws with its output. */
export async function waitReady(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${log()}`);
    const c = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    c.on("error", () => {});
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return;
    } catch {
      c.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server on port ${port} did not become ready:\n${log()}`);
}

/** The command line of a private, loopback-only redis-server without RDB snapshots (AOF off unless overridden). */
export function redisArgs(port: number, dir: string, extraArgs: string[] = []): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "no",
    "--protected-mode",
    "yes",
    "--loglevel",
    "warning",
    ...extraArgs,
  ];
}

/** Starts redis-server with `extraArgs` (e.g. `["--cluster-enabled", "yes"]`). */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisProcess> {
  assertRedisInstalled();
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "vigil-redis-"));
    const args = redisArgs(port, dir, ["--databases", "64", ...extraArgs]);
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await waitReady(port, child, () => out);
    } catch (e) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      if (attempt < 3 && /Address already in use/.test(out)) continue;
      throw e;
    }
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      dir,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
