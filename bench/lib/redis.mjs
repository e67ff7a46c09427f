// The bench's private redis-server: loopback only, a free port, no persistence, a temporary directory.
// Also the Redis-side counters read around each measurement (INFO cpu, INFO commandstats).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

const INSTALL_HINT =
  "redis-server was not found on PATH. The bench starts its own Redis: install it " +
  "(Debian/Ubuntu: `apt-get install -y redis-server`, macOS: `brew install redis`).";

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(port, child, log) {
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

/** Starts a private redis-server; `kill()` is synchronous (for exit handlers), `stop()` waits. */
export async function startRedis() {
  const v = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (v.error || v.status !== 0) throw new Error(INSTALL_HINT);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "vigil-bench-redis-"));
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"];
    args.push("--protected-mode", "yes", "--loglevel", "warning");
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    try {
      await waitReady(port, child, () => out);
    } catch (e) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      if (attempt < 3 && /Address already in use/.test(out)) continue;
      throw e;
    }
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    };
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { port, url: `redis://127.0.0.1:${port}`, pid: child.pid, kill, stop };
  }
}

/** INFO <section> as a map of field → string. */
export async function info(redis, section) {
  const map = {};
  for (const line of (await redis.info(section)).split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) map[line.slice(0, i)] = line.slice(i + 1);
  }
  return map;
}

/** Seconds of CPU the redis-server process used so far (user + system, all threads). */
export async function redisCpuSeconds(redis) {
  const cpu = await info(redis, "cpu");
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

/** Commands run since the last CONFIG RESETSTAT, including those run inside Lua, by command name. */
export async function commandStats(redis) {
  const out = {};
  for (const [k, v] of Object.entries(await info(redis, "commandstats"))) {
    const name = k.replace(/^cmdstat_/, "");
    if (/^(info|config)\b/.test(name)) continue; // the bench's own bookkeeping
    out[name] = { calls: Number(/calls=(\d+)/.exec(v)?.[1] ?? 0), usec: Number(/usec=(\d+)/.exec(v)?.[1] ?? 0) };
  }
  return out;
}
