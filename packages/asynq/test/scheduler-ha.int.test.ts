// Three scheduler replicas in separate processes share one `@every 1s` entry; the leader is SIGKILLed mid-run.
// Every tick from the first to the last must be enqueued exactly once: no duplicate, no gap.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as keys from "../src/internal/base/keys.js";
import { useTestRedis } from "./support/redis.js";

const t = useTestRedis();
const replica = fileURLToPath(new URL("./support/scheduler-replica.mjs", import.meta.url));
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("highly available Scheduler", () => {
  it("three replicas, leader SIGKILLed: each tick enqueued exactly once, no tick missed", async () => {
    expect(existsSync(dist), "packages/asynq is not built: run `npm run build` (npm test does)").toBe(true);
    const group = `ha-${process.pid}-${Date.now()}`;
    const procs: { child: ChildProcess; out: string; id?: string }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const child = spawn(process.execPath, [replica, t.url(), group], { stdio: ["ignore", "pipe", "inherit"] });
        const p = { child, out: "" as string, id: undefined as string | undefined };
        child.stdout!.on("data", (d: Buffer) => {
          p.out += d.toString();
          p.id ??= /ready (\S+)/.exec(p.out)?.[1];
        });
        procs.push(p);
      }
      await sleep(4000);
      const leaderId = await t.redis().get(keys.schedulerLeaderKey(group));
      const leader = procs.find((p) => p.id === leaderId);
      expect(leader, `leader ${leaderId} among ${procs.map((p) => p.id).join(", ")}`).toBeDefined();
      const killedAt = Date.now();
      leader!.child.kill("SIGKILL");
      await sleep(6000);
      const newLeader = await t.redis().get(keys.schedulerLeaderKey(group));
      expect(newLeader).not.toBe(leaderId);
      for (const p of procs) if (p !== leader) p.child.kill("SIGTERM");
      await Promise.all(procs.filter((p) => p !== leader).map((p) => new Promise((r) => p.child.once("exit", r))));

      const runKeys = await t.redis().keys("vigil:cron:runs:*");
      expect(runKeys).toHaveLength(1);
      const runs = (await t.redis().zrange(runKeys[0]!, "0", "-1")).map(
        (r) => JSON.parse(r) as { tickMs: number; taskId: string },
      );
      const ticks = runs.map((r) => r.tickMs).sort((a, b) => a - b);
      expect(new Set(ticks).size, "duplicate ticks").toBe(ticks.length);
      for (let i = 1; i < ticks.length; i++)
        expect(ticks[i]! - ticks[i - 1]!, `gap after ${new Date(ticks[i - 1]!).toISOString()}`).toBe(1000);
      expect(ticks.length).toBeGreaterThanOrEqual(5);
      expect(
        ticks.some((tk) => tk > killedAt),
        "the new leader kept firing",
      ).toBe(true);
      expect(await t.redis().llen(keys.pendingKey("default"))).toBe(ticks.length);
      const latest = Math.max(
        ...(runs as unknown as { tickMs: number; enqueuedMs: number }[]).map((r) => r.enqueuedMs - r.tickMs),
      );
      process.stdout.write(
        `scheduler HA: ${ticks.length} ticks in ~10 s, none lost or doubled; latest tick enqueued ${latest} ms after it was due (takeover)\n`,
      );
      expect(ticks.length).toBeLessThanOrEqual(12);
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
  }, 40_000);
});
