#!/usr/bin/env node
// `npm start`: the Vigil demo. Starts a private redis-server (loopback, temp dir), Vigil workers for the job
// catalog of a social-campaign backend (crawlers, daily snapshot, reward payouts, budget checks, notification
// fan-out, bank-transfer sync), a scheduler with their crons, and a trickle of traffic with realistic failures.
// Then it tells you how to look at it with the `vigil` CLI. Ctrl-C stops everything it started.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Client, Scheduler, ServeMux, Server, Task, skipRetry } from "../packages/asynq/dist/index.js";

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
const chance = (p) => Math.random() < p;

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = Number(process.env.VIGIL_DEMO_PORT) || (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "vigil-demo-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  child.on("error", () => {
    console.error(
      "vigil demo: redis-server was not found. Install it (Debian/Ubuntu: apt-get install -y redis-server).",
    );
    process.exit(1);
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Client(url);
  for (let i = 0; ; i++) {
    try {
      await probe.ping();
      break;
    } catch (e) {
      if (i > 100) throw e;
      await sleep(50);
    }
  }
  await probe.close();
  return { url, port, stop: () => (child.kill("SIGTERM"), rmSync(dir, { recursive: true, force: true })) };
}

function handlers() {
  const mux = new ServeMux();
  const crawl = (source) => async (task, ctx) => {
    await sleep(200 + Math.random() * 1500, ctx.signal);
    if (chance(0.08)) throw new Error(`${source} API rate limit (HTTP 429), retry later`);
    if (chance(0.03)) throw new Error(`${source} token expired`);
    await ctx.resultWriter.write(JSON.stringify({ posts_updated: Math.floor(Math.random() * 500) }));
  };
  mux.handleFunc("crawl_tiktok", crawl("tiktok"));
  mux.handleFunc("crawl_youtube", crawl("youtube"));
  mux.handleFunc("crawl_facebook", crawl("facebook"));
  mux.handleFunc("snapshot_daily", async (_t, ctx) => sleep(3000, ctx.signal));
  mux.handleFunc("snapshot_postexpiry", async (_t, ctx) => sleep(1500, ctx.signal));
  mux.handleFunc("reward_payout", async (task, ctx) => {
    const { items = 10 } = JSON.parse(Buffer.from(task.payload ?? []).toString() || "{}");
    // Resumes where a crashed or failed attempt stopped: every item is paid once.
    const start = Number((await ctx.lastCheckpoint())?.next ?? 1);
    for (let i = start; i <= items; i++) {
      await sleep(100, ctx.signal);
      ctx.log(`paid item ${i}/${items}`, { round: 42 });
      await ctx.checkpoint({ next: i + 1 });
    }
  });
  mux.handleFunc("budget_check", async (_t, ctx) => sleep(50, ctx.signal));
  mux.handleFunc("segment_automatic_match", async (_t, ctx) => sleep(800, ctx.signal));
  mux.handleFunc("creator_score_daily", async (_t, ctx) => sleep(2000, ctx.signal));
  mux.handleFunc("notification_send", async (task, ctx) => {
    await sleep(5 + Math.random() * 20, ctx.signal);
    if (chance(0.01)) throw skipRetry("device token unregistered");
  });
  mux.handleFunc("transfer_sync_tcb", async (_t, ctx) => {
    await sleep(300, ctx.signal);
    if (chance(0.1)) throw new Error("Techcombank API timeout after 10s");
  });
  return mux;
}

async function main() {
  const redis = await startRedis();
  const logger = pino({ level: process.env.VIGIL_DEMO_LOG ?? "warn" });
  const server = new Server(redis.url, {
    concurrency: 20,
    queues: { critical: 6, default: 3, low: 1 },
    logger,
    shutdownTimeout: "5s",
    rateLimits: [{ taskType: "notification_send", limit: 50, per: "1s" }],
  });
  await server.start(handlers());
  const scheduler = new Scheduler(redis.url, { location: "Asia/Ho_Chi_Minh", logger });
  scheduler.register("@every 2m", new Task("crawl_tiktok", { source: "tiktok" }), { maxRetry: 3, timeout: "5m" });
  scheduler.register("@every 3m", new Task("crawl_youtube", { source: "youtube" }), { maxRetry: 3, timeout: "5m" });
  scheduler.register("@every 5m", new Task("crawl_facebook", { source: "facebook" }), { maxRetry: 3, timeout: "5m" });
  scheduler.register("0 2 * * *", new Task("snapshot_daily", { kind: "daily" }), { queue: "low", retention: "24h" });
  scheduler.register("*/15 * * * *", new Task("budget_check", { threshold: 0.9 }), {
    queue: "critical",
    unique: "10m",
  });
  scheduler.register("0 * * * *", new Task("segment_automatic_match"), {});
  scheduler.register("0 3 * * *", new Task("creator_score_daily"), { queue: "low" });
  scheduler.register("@every 1m", new Task("transfer_sync_tcb"), { queue: "critical", maxRetry: 5 });
  await scheduler.start();

  const client = new Client(redis.url);
  await client.enqueue(
    "reward_payout",
    { round: 42, items: 20 },
    { queue: "critical", retention: "24h", taskId: "reward-round-42" },
  );
  await client.enqueue("snapshot_postexpiry", { event: "summer-2026" }, { queue: "low", processIn: "10m" });
  const stop = new AbortController();
  const traffic = (async () => {
    while (!stop.signal.aborted) {
      const fanout = Array.from({ length: 200 }, (_, i) => ({
        type: "notification_send",
        payload: { user_id: 100_000 + i },
        options: { queue: "default" },
      }));
      await client.enqueueMany(fanout).catch(() => undefined);
      await sleep(15_000, stop.signal).catch(() => undefined);
    }
  })();

  const cli = `node packages/cli/bin/vigil.js --redis ${redis.url}`;
  console.log(`
Vigil demo is running.
  Redis:     ${redis.url} (private, removed on exit)
  Workers:   1 Vigil server, concurrency 20, queues critical:6 default:3 low:1
  Scheduler: 8 cron entries (Asia/Ho_Chi_Minh), traffic: 200 notifications every 15 s

Look at it (in another terminal, from this folder):
  ${cli} dash
  ${cli} queue ls
  ${cli} cron ls
  ${cli} task ls -q default -s retry
  ${cli} search -q default -s archived --type notification_send
  ${cli} enqueue snapshot_daily '{"kind":"manual"}' -q low
  ${cli} task logs -q critical -i reward-round-42
  ${cli} cron status
  ${cli} runs -q default --limit 20

Ctrl-C stops the demo.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    stop.abort();
    await traffic;
    await Promise.allSettled([scheduler.shutdown(), server.shutdown(), client.close()]);
    redis.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((e) => {
  console.error("vigil demo failed:", e);
  process.exit(1);
});
