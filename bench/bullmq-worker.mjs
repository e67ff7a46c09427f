// BullMQ side of the bench: one measurement per process (see lib/child.mjs for the protocol).
// BullMQ's own best options for this race: jobs are added with removeOnComplete/removeOnFail (the
// equivalent of Asynq's default of keeping no completed tasks), batches use addBulk, the Worker gets
// `concurrency` and autorun:false (started with run() when timing begins); everything else is default.
import { Queue, Worker } from "bullmq";
import { LatencyRecorder, produceForLatency, serveChild, sleep } from "./lib/child.mjs";

const QUEUE = "bench";
const NAME = "noop";
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true };
let cfg;
let queue;
let worker;
let recorder;
let completed = 0;
let onCompleted = () => {};

const connection = () => {
  const u = new URL(cfg.redisUrl);
  return { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
};

async function addBatches(q, from, to, batch) {
  for (let start = from; start < to; start += batch) {
    const jobs = [];
    for (let i = start; i < Math.min(to, start + batch); i++) jobs.push({ name: NAME, data: { i }, opts: JOB_OPTS });
    await q.addBulk(jobs);
  }
}

// JIT warm-up: this process runs the `n` jobs the fill process put on the "warmup" queue, with the same
// options, then closes that worker.
async function warmUp(n) {
  let done = 0;
  let finished = () => {};
  const all = new Promise((r) => (finished = r));
  const w = new Worker("warmup", async () => {}, { connection: connection(), concurrency: cfg.concurrency });
  w.on("completed", () => {
    if (++done >= n) finished();
  });
  await all;
  await w.close();
}

serveChild({
  async setup(c) {
    cfg = c;
    if (cfg.mode === "process" || cfg.mode === "latency-worker") {
      if (cfg.mode === "process" && cfg.warmup > 0) await warmUp(cfg.warmup);
      const processor =
        cfg.mode === "process"
          ? async () => {}
          : async (job) => {
              recorder.record(process.hrtime.bigint(), job.data);
            };
      worker = new Worker(QUEUE, processor, { connection: connection(), concurrency: cfg.concurrency, autorun: false });
      worker.on("error", (e) => console.error("bullmq worker error:", e));
      await worker.waitUntilReady();
      if (cfg.mode === "process") {
        worker.on("completed", () => {
          if (++completed >= cfg.n) onCompleted();
        });
      } else {
        recorder = new LatencyRecorder(cfg.n);
        void worker.run();
        await sleep(500); // let the worker go idle (blocked on its marker key)
      }
      return;
    }
    queue = new Queue(QUEUE, { connection: connection() });
    await queue.waitUntilReady();
    if (cfg.mode === "enqueue-single" || cfg.mode === "enqueue-bulk") {
      const warm = new Queue("warmup", { connection: connection() });
      for (let i = 0; i < cfg.warmup; i++) await warm.add(NAME, { i }, JOB_OPTS);
      await addBatches(warm, 0, cfg.warmup, 100);
      await warm.close();
    }
  },

  async go() {
    switch (cfg.mode) {
      case "fill":
        if (cfg.warmup > 0) {
          const warm = new Queue("warmup", { connection: connection() });
          await addBatches(warm, 0, cfg.warmup, 1000);
          await warm.close();
        }
        await addBatches(queue, 0, cfg.n, 1000);
        return { jobs: cfg.n };
      case "enqueue-single":
        for (let i = 0; i < cfg.n; i++) await queue.add(NAME, { i }, JOB_OPTS);
        return { jobs: cfg.n };
      case "enqueue-bulk":
        await addBatches(queue, 0, cfg.n, cfg.batch);
        return { jobs: cfg.n };
      case "process": {
        const done = new Promise((r) => (onCompleted = r));
        void worker.run();
        await done;
        return { jobs: completed };
      }
      case "latency-worker":
        await recorder.full();
        return { jobs: recorder.count, latency: recorder.summary() };
      case "latency-producer":
        await produceForLatency((data) => queue.add(NAME, data, JOB_OPTS), cfg);
        return { jobs: cfg.n };
      default:
        throw new Error(`unknown mode ${cfg.mode}`);
    }
  },

  async close() {
    await worker?.close();
    await queue?.close();
  },
});
