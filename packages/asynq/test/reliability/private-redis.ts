// A redis-server a reliability test owns on a fixed port and dir, so it can be shut down, crashed (SIGKILL) or
// frozen (SIGSTOP) and started again on the same data.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { assertRedisInstalled, freePort, redisArgs, waitReady } from "../support/redis-server.js";
import { exited } from "./support.js";

/**
 * A redis-server this test owns, on a fixed port and dir for its whole life, so it can be shut down,
 * crashed or frozen and started again on the same data (AOF when `--appendonly yes` is among the args).
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private output = "";

  private constructor(
    /** Loopback port. */
    readonly port: number,
    /** Data dir (AOF, RDB), removed by {@link PrivateRedis.stop}. */
    readonly dir: string,
    private readonly args: string[],
  ) {}

  /** Starts redis-server with `extraArgs` on a free port in a new temporary dir. */
  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    assertRedisInstalled();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "vigil-reliability-"));
    const r = new PrivateRedis(port, dir, redisArgs(port, dir, extraArgs));
    await r.launch();
    return r;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Process id of the running redis-server. */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error("redis-server is not running");
    return pid;
  }

  /** Starts redis-server again (same port, dir and args) and waits until it answers PING. */
  async launch(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      throw new Error("redis-server is already running");
    }
    const child = spawn("redis-server", this.args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child = child;
    await waitReady(this.port, child, () => this.output);
  }

  /** SHUTDOWN (Redis flushes and fsyncs its AOF) and waits for the process to exit. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const c = new Redis({ port: this.port, host: "127.0.0.1", retryStrategy: () => null, maxRetriesPerRequest: 0 });
    c.on("error", () => {});
    await c.call("SHUTDOWN").catch(() => {}); // the connection closes instead of a reply
    c.disconnect();
    await exited(child);
  }

  /** SIGKILL: a crash, no chance to flush anything. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGKILL");
    await exited(child);
  }

  /** SIGSTOP: the process freezes; connections stay open and nothing answers. */
  freeze(): void {
    this.child?.kill("SIGSTOP");
  }

  /** SIGCONT after {@link PrivateRedis.freeze}. */
  thaw(): void {
    this.child?.kill("SIGCONT");
  }

  /** Kills the server (thawing it first) and removes its dir. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
      await exited(child);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
