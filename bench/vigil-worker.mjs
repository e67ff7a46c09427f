// Vigil side of the bench: one measurement per process (see lib/child.mjs for the protocol).
// Modes: fill, enqueue-single, enqueue-bulk, process, latency-worker, latency-producer.
import { Redis } from "ioredis";
import { Client, Server } from "../packages/asynq/dist/index.js";
import { LatencyRecorder, produceForLatency, serveChild, sleep, until } from "./lib/child.mjs";

const QUEUE = "default";
const TYPE = "noop";
let cfg;
let client;
let server;
let probe;
let recorder;
let handled = 0;

const serverOptions = () => ({
  concurrency: cfg.concurrency,
  queues: { [QUEUE]: 1 },
  logLevel: "warn",
  // The "Asynq-shaped" variant: one fetch loop taking one task per dequeue, as Go's processor does.
  ...(cfg.fetchers ? { fetchers: cfg.fetchers } : {}),
  ...(cfg.dequeueBatchSize ? { dequeueBatchSize: cfg.dequeueBatchSize } : {}),
});

async function enqueueBatches(from, to, batch, queue = QUEUE) {
  for (let start = from; start < to; start += batch) {
    const items = [];
    for (let i = start; i < Math.min(to, start + batch); i++)
      items.push({ type: TYPE, payload: { i }, options: { queue } });
    const res = await client.enqueueMany(items);
    const bad = res.find((r) => r.error);
    if (bad) throw bad.error;
  }
}

// JIT warm-up: this process runs the `n` tasks the fill process put on the "warmup" queue, with the same
// options, then stops that server.
async function warmUp(n) {
  let done = 0;
  const warm = new Server(cfg.redisUrl, { ...serverOptions(), queues: { warmup: 1 } });
  await warm.start(() => {
    done++;
  });
  await until(() => done >= n, "warm-up", 120_000);
  await warm.shutdown();
}

serveChild({
  async setup(c) {
    cfg = c;
    if (cfg.mode === "process" || cfg.mode === "latency-worker") {
      if (cfg.mode === "process" && cfg.warmup > 0) await warmUp(cfg.warmup);
      server = new Server(cfg.redisUrl, serverOptions());
      await server.ping();
      if (cfg.mode === "process") {
        probe = new Redis(cfg.redisUrl);
        await probe.ping();
      } else {
        recorder = new LatencyRecorder(cfg.n);
        await server.start((task) => {
          const now = process.hrtime.bigint();
          recorder.record(now, JSON.parse(Buffer.from(task.payload).toString("utf8")));
        });
        await sleep(500); // let the fetch loops go idle (waiting on the wake channel)
      }
      return;
    }
    client = new Client(cfg.redisUrl);
    await client.ping();
    if (cfg.mode === "enqueue-single" || cfg.mode === "enqueue-bulk") {
      // JIT and script-cache warm-up on another queue (both libraries do the same).
      for (let i = 0; i < cfg.warmup; i++) await client.enqueue(TYPE, { i }, { queue: "warmup" });
      await enqueueBatches(0, cfg.warmup, 100, "warmup");
    }
  },

  async go() {
    switch (cfg.mode) {
      case "fill":
        if (cfg.warmup > 0) await enqueueBatches(0, cfg.warmup, 1000, "warmup");
        await enqueueBatches(0, cfg.n, 1000);
        return { jobs: cfg.n };
      case "enqueue-single":
        for (let i = 0; i < cfg.n; i++) await client.enqueue(TYPE, { i });
        return { jobs: cfg.n };
      case "enqueue-bulk":
        await enqueueBatches(0, cfg.n, cfg.batch);
        return { jobs: cfg.n };
      case "process": {
        // Done = every handler ran (an event, as BullMQ's "completed") and every finalize write landed (the
        // active list is empty again; polled, briefly, at the end).
        const timeoutMs = Math.max(120_000, cfg.n * 20); // the driver has the same limit
        let allHandled;
        const handlers = new Promise((r) => (allHandled = r));
        await server.start(() => {
          if (++handled === cfg.n) allHandled();
        });
        await handlers;
        await until(async () => (await probe.llen(`asynq:{${QUEUE}}:active`)) === 0, "finalize", timeoutMs);
        return { jobs: handled };
      }
      case "latency-worker":
        await recorder.full();
        return { jobs: recorder.count, latency: recorder.summary() };
      case "latency-producer":
        await produceForLatency((data) => client.enqueue(TYPE, data), cfg);
        return { jobs: cfg.n };
      default:
        throw new Error(`unknown mode ${cfg.mode}`);
    }
  },

  async close() {
    await server?.shutdown();
    await client?.close();
    probe?.disconnect();
  },
});
