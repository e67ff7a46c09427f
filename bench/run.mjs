// npm run bench: Vigil side by side with BullMQ on one private Redis, in one run (research/performance.md §9).
// Every measurement is a fresh child process driven over IPC (so CPU and peak RSS are per library); the
// scenarios are interleaved and repeated, and the report gives medians and per-run ratios. Not a test:
// it prints figures and target verdicts, and never fails on them.
import { fork, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { commandStats, info, redisCpuSeconds, startRedis } from "./lib/redis.mjs";
import { fmt, median } from "./lib/stats.mjs";
import { createSummary } from "./lib/summary.mjs";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH_DIR, "..");

const HELP = `npm run bench [-- options]

  --quick            small and fast: n=2,000, latency n=300, 1 run, no warm-up (env BENCH_QUICK=1)
  --n N              tasks per throughput measurement (default 20,000; env BENCH_N)
  --latency-n N      measured tasks in the latency scenario (default 2,000; env BENCH_LATENCY_N)
  --runs R           repetitions of every scenario, interleaved (default 3; env BENCH_RUNS)
  --gap-ms MS        pause between latency enqueues (default 2)
  --only IDS         comma-separated scenario ids: E1,E2,P10,P50,L1
  --no-shape         skip the "Asynq-shaped" Vigil variant (1 fetch loop, 1 task per dequeue)
  --no-warmup        skip the discarded warm-up pass
  --process-warmup N tasks each worker process runs on another queue before timing starts, so P10/P50 measure
                     a warm worker (JIT done), the same for both libraries (default 5,000; --quick 500; 0 = none)
  --cpu-prof         write V8 CPU profiles of every worker/producer process to bench/results/prof-<time>/
  --max-other=PCT    re-measure (up to --retries times, keeping the quietest try) when other processes used more
                     than PCT% of the machine's CPU during a measurement (default 25; 0 = never; env BENCH_MAX_OTHER)
  --retries=N        extra tries of a noisy measurement (default 2; 0 with --quick)
  --node-flags=F     extra Node flags for the measured processes, e.g. --node-flags="--trace-gc" (env BENCH_NODE_FLAGS)
  -h, --help         this text

Results: a table on stdout and bench/results/<time>.json (gitignored).`;

let flags;
try {
  ({ values: flags } = parseArgs({
    options: {
      quick: { type: "boolean" },
      n: { type: "string" },
      "latency-n": { type: "string" },
      runs: { type: "string" },
      "gap-ms": { type: "string" },
      only: { type: "string" },
      "no-shape": { type: "boolean" },
      "no-warmup": { type: "boolean" },
      "process-warmup": { type: "string" },
      "cpu-prof": { type: "boolean" },
      "node-flags": { type: "string" },
      "max-other": { type: "string" },
      retries: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (e) {
  console.error(`${e.message}\n\n${HELP}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

function intOption(flag, env, fallback, min = 1) {
  const raw = flags[flag] ?? (env ? process.env[env] : undefined);
  if (raw === undefined || raw === "") return fallback;
  const v = Number(String(raw).replace(/_/g, ""));
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${flag}${env ? ` (${env})` : ""} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

const quick = flags.quick === true || process.env.BENCH_QUICK === "1";
const config = {
  quick,
  n: intOption("n", "BENCH_N", quick ? 2_000 : 20_000),
  latencyN: intOption("latency-n", "BENCH_LATENCY_N", quick ? 300 : 2_000),
  runs: intOption("runs", "BENCH_RUNS", quick ? 1 : 3),
  gapMs: intOption("gap-ms", "BENCH_GAP_MS", 2),
  warmup: !quick && flags["no-warmup"] !== true,
  shape: flags["no-shape"] !== true,
  cpuProf: flags["cpu-prof"] === true,
  maxOtherPct: intOption("max-other", "BENCH_MAX_OTHER", 25, 0),
  retries: intOption("retries", undefined, quick ? 0 : 2, 0),
  nodeFlags: (flags["node-flags"] ?? process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean),
  enqueueWarmup: 200,
  // Tasks each worker process runs on another queue before timing starts (JIT warm-up; both libraries):
  // the processing figures are those of a warm, long-running worker, not of a process's first second.
  processWarmup: intOption("process-warmup", undefined, quick ? 500 : 5000, 0),
  latencyWarmup: 50,
  bulkBatch: 1000,
};

const SCENARIOS = [
  { id: "E1", title: "enqueue one at a time (await each)", mode: "enqueue-single" },
  { id: "E2", title: "enqueue in batches of 1,000", mode: "enqueue-bulk", batch: config.bulkBatch },
  { id: "P10", title: "process no-op tasks, concurrency 10", mode: "process", concurrency: 10 },
  { id: "P50", title: "process no-op tasks, concurrency 50", mode: "process", concurrency: 50 },
  { id: "L1", title: "enqueue→handler start, idle worker (c10)", mode: "latency", concurrency: 10 },
];
const only = flags.only?.split(",").map((s) => s.trim().toUpperCase());
const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.id));
if (scenarios.length === 0) {
  console.error(`--only matched no scenario; ids are ${SCENARIOS.map((s) => s.id).join(", ")}`);
  process.exit(2);
}

const LIBS = {
  vigil: { label: "Vigil", file: "vigil-worker.mjs", extra: {} },
  bullmq: { label: "BullMQ", file: "bullmq-worker.mjs", extra: {} },
  "vigil-1loop": {
    label: "Vigil, Asynq-shaped (1 fetch loop, 1 task per dequeue)",
    file: "vigil-worker.mjs",
    extra: { fetchers: 1, dequeueBatchSize: 1 },
    scenarios: ["P10", "P50"],
  },
};
const libsFor = (sc) =>
  Object.keys(LIBS).filter(
    (id) => (id !== "vigil-1loop" || config.shape) && (!LIBS[id].scenarios || LIBS[id].scenarios.includes(sc.id)),
  );

// ---------------------------------------------------------------------------------------------------------
// Cleanup: every child process and the redis-server this driver started are stopped on any exit path.

const live = new Set();
let redisServer;
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
  redisServer?.kill();
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping the bench's processes`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Environment

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|lua)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds packages/asynq when its dist is missing; warns when dist looks older than src. */
function ensureBuilt() {
  const dist = join(ROOT, "packages/asynq/dist/index.js");
  if (!existsSync(dist)) {
    console.log("packages/asynq/dist is missing: running `npm run build -w packages/asynq`");
    const r = spawnSync("npm", ["run", "build", "-w", "packages/asynq"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0 || !existsSync(dist)) {
      console.error(
        "Building packages/asynq failed. Fix the build (`npm run build -w packages/asynq`), then run again.",
      );
      process.exit(1);
    }
  } else if (newestMtime(join(ROOT, "packages/asynq/src")) > statSync(dist).mtimeMs) {
    console.warn(
      "warning: packages/asynq/src is newer than dist; the bench measures dist (npm run build -w packages/asynq)",
    );
  }
  if (!existsSync(join(ROOT, "node_modules/bullmq/package.json"))) {
    console.error("bullmq is not installed: run `npm install` at the repository root.");
    process.exit(1);
  }
}

function git(...args) {
  const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** Busy and steal CPU seconds of the whole machine so far (all CPUs), from /proc/stat. */
function machineCpu() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return { busy: (user + nice + system + irq + softirq) / CLK_TCK, steal: steal / CLK_TCK };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Children

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = join(BENCH_DIR, "results");
const profDir = join(resultsDir, `prof-${stamp}`);

function startChild(libId, role, tag) {
  const execArgv = role === "fill" ? [] : [...config.nodeFlags];
  if (config.cpuProf && role !== "fill")
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${tag}-${role}.cpuprofile`);
  const child = fork(join(BENCH_DIR, LIBS[libId].file), [], {
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  live.add(child);
  let pending;
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      live.delete(child);
      pending?.reject(new Error(`${libId} ${role} exited (${code ?? signal}) while waiting for "${pending.expect}"`));
      resolve();
    }),
  );
  child.on("message", (m) => {
    if (m.op === "error") {
      const e = new Error(`${libId} ${role}: ${m.message}`);
      if (pending) pending.reject(e);
      else console.error(e.message);
    } else if (pending && m.op === pending.expect) {
      pending.resolve(m);
    }
  });
  const request = (msg, expect, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => pending?.reject(new Error(`${libId} ${role}: no "${expect}" after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (fn) => (v) => {
        clearTimeout(timer);
        pending = undefined;
        fn(v);
      };
      pending = { expect, resolve: settle(resolve), reject: settle(reject) };
      child.send(msg);
    });
  const timeoutMs = Math.max(180_000, config.n * 20);
  return {
    setup: (cfg) => request({ op: "setup", cfg }, "ready", timeoutMs).then((m) => m.memory),
    go: () => request({ op: "go" }, "result", timeoutMs).then((m) => m.result),
    async close() {
      if (child.exitCode === null && child.signalCode === null && child.connected) {
        await request({ op: "close" }, "closed", 20_000).catch((e) => console.error(e.message));
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// One measurement

let admin;
let redisUrl;

async function before() {
  await admin.config("RESETSTAT");
  return { redisCpu: await redisCpuSeconds(admin), machine: machineCpu(), driver: process.cpuUsage() };
}

async function after(b) {
  const redisCpu = (await redisCpuSeconds(admin)) - b.redisCpu;
  const commands = await commandStats(admin);
  const stats = await info(admin, "stats");
  const m = machineCpu();
  const driver = process.cpuUsage(b.driver);
  return {
    redisCpu,
    commands,
    // Socket reads Redis served since RESETSTAT: about one per client write, so a proxy for round trips.
    reads: Number(stats.total_reads_processed),
    machineBusy: m && b.machine ? m.busy - b.machine.busy : NaN,
    steal: m && b.machine ? m.steal - b.machine.steal : NaN,
    driverCpu: (driver.user + driver.system) / 1e6,
  };
}

async function measure(libId, sc, run, warm) {
  const lib = LIBS[libId];
  const n =
    sc.mode === "latency"
      ? warm
        ? Math.min(200, config.latencyN)
        : config.latencyN
      : warm
        ? Math.min(2000, config.n)
        : config.n;
  const tag = `${sc.id}-${libId}-${warm ? "warmup" : `run${run}`}`;
  const base = { redisUrl, concurrency: sc.concurrency, batch: sc.batch, ...lib.extra };
  const children = [];
  const spawnChild = (role) => {
    const c = startChild(libId, role, tag);
    children.push(c);
    return c;
  };
  await admin.flushall();
  try {
    if (sc.mode === "process") {
      const fill = spawnChild("fill");
      // The fill process also queues the worker's warm-up tasks (on another queue), so enqueueing adds
      // nothing to the worker process's memory or JIT state.
      await fill.setup({ ...base, mode: "fill", n, warmup: config.processWarmup });
      await fill.go();
      await fill.close();
    }
    let main;
    let producer;
    let readyMemory;
    if (sc.mode === "latency") {
      main = spawnChild("worker");
      readyMemory = await main.setup({ ...base, mode: "latency-worker", n });
      producer = spawnChild("producer");
      await producer.setup({ ...base, mode: "latency-producer", n, warmup: config.latencyWarmup, gapMs: config.gapMs });
    } else {
      main = spawnChild(sc.mode === "process" ? "worker" : "producer");
      const warmup = sc.mode === "process" ? config.processWarmup : config.enqueueWarmup;
      readyMemory = await main.setup({ ...base, mode: sc.mode, n, warmup });
    }
    const b = await before();
    const t0 = performance.now();
    const [res, prod] = await Promise.all([main.go(), producer?.go()]);
    const wallMs = performance.now() - t0;
    const a = await after(b);
    const jobs = res.jobs;
    const calls = Object.values(a.commands).reduce((s, c) => s + c.calls, 0);
    const scripts = ["evalsha", "eval", "evalsha_ro", "eval_ro", "fcall"].reduce(
      (s, k) => s + (a.commands[k]?.calls ?? 0),
      0,
    );
    const childCpu = (res.cpuUs + (prod?.cpuUs ?? 0)) / 1e6;
    const other = a.machineBusy - childCpu - a.redisCpu - a.driverCpu;
    const top = Object.entries(a.commands)
      .sort((x, y) => y[1].calls - x[1].calls)
      .slice(0, 10)
      .map(([name, c]) => [name, +(c.calls / jobs).toFixed(2)]);
    return {
      scenario: sc.id,
      lib: libId,
      run,
      warmup: warm,
      n,
      jobs,
      wallMs: +res.wallMs.toFixed(1),
      throughput: sc.mode === "latency" ? undefined : Math.round((jobs / res.wallMs) * 1000),
      clientCpuUsPerJob: +(res.cpuUs / jobs).toFixed(1),
      producerCpuUsPerJob: prod ? +(prod.cpuUs / jobs).toFixed(1) : undefined,
      redisCpuUsPerJob: +((a.redisCpu * 1e6) / jobs).toFixed(1),
      redisCallsPerJob: +(calls / jobs).toFixed(2),
      scriptsPerJob: +(scripts / jobs).toFixed(2),
      redisReadsPerJob: +(a.reads / jobs).toFixed(2),
      commandsPerJob: Object.fromEntries(top),
      peakRssMB: +(res.memory.vmHWM / 1024).toFixed(1),
      readyRssMB: +(readyMemory.vmRSS / 1024).toFixed(1),
      endHeapMB: { total: +(res.memory.heapTotal / 1024).toFixed(1), used: +(res.memory.heapUsed / 1024).toFixed(1) },
      producerPeakRssMB: prod ? +(prod.memory.vmHWM / 1024).toFixed(1) : undefined,
      latencyMs: res.latency,
      otherCpuPct: +Math.max(0, (other / ((wallMs / 1000) * os.availableParallelism())) * 100).toFixed(1),
      stealPct: +((a.steal / ((wallMs / 1000) * os.availableParallelism())) * 100).toFixed(1),
    };
  } finally {
    for (const c of children) await c.close();
  }
}

/**
 * measure(), tried again (up to config.retries times) while other processes used more than maxOtherPct of
 * the machine during the timed region; the quietest try is kept. Each try is printed.
 */
async function measureQuietly(lib, sc, run, warm, label) {
  let best;
  let tries = 0;
  const maxTries = warm || config.maxOtherPct === 0 ? 1 : 1 + config.retries;
  while (tries < maxTries) {
    const r = await measure(lib, sc, run, warm);
    tries++;
    if (!best || r.otherCpuPct < best.otherCpuPct) best = r;
    const again = !warm && config.maxOtherPct > 0 && r.otherCpuPct > config.maxOtherPct && tries < maxTries;
    console.log(progressLine(r, label) + (again ? "  (noisy: measuring again)" : ""));
    if (!again) break;
  }
  best.tries = tries;
  best.noisy = !warm && config.maxOtherPct > 0 && best.otherCpuPct > config.maxOtherPct;
  return best;
}

function progressLine(r, label) {
  const parts = [`${label.padEnd(13)} ${r.scenario.padEnd(3)} ${r.lib.padEnd(11)}`];
  if (r.latencyMs)
    parts.push(
      `p50 ${fmt(r.latencyMs.p50, 2)} ms  p99 ${fmt(r.latencyMs.p99, 2)} ms  max ${fmt(r.latencyMs.max, 1)} ms`,
    );
  else parts.push(`${fmt(r.throughput).padStart(7)} jobs/s`);
  parts.push(`client ${fmt(r.clientCpuUsPerJob)} µs/job`, `redis ${fmt(r.redisCpuUsPerJob)} µs/job`);
  parts.push(`${fmt(r.redisCallsPerJob, 1)} cmds/job`, `rss ${fmt(r.peakRssMB)} MB`, `other ${fmt(r.otherCpuPct)}%`);
  return parts.join("  ");
}

const { summarize, targets, report } = createSummary({ config, scenarios, SCENARIOS, LIBS, libsFor });

// ---------------------------------------------------------------------------------------------------------
// Main

async function main() {
  ensureBuilt();
  const load0 = os.loadavg();
  const ncpu = os.availableParallelism();
  redisServer = await startRedis();
  redisUrl = redisServer.url;
  admin = new Redis(redisUrl);
  const redisInfo = await info(admin, "server");
  const pkg = (p) => readJson(join(ROOT, p)).version;
  const env = {
    startedAt: new Date().toISOString(),
    cpuModel: os.cpus()[0]?.model,
    cpus: ncpu,
    totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    redis: redisInfo.redis_version,
    vigil: pkg("packages/asynq/package.json"),
    bullmq: pkg("node_modules/bullmq/package.json"),
    ioredis: pkg("node_modules/ioredis/package.json"),
    gitCommit: git("rev-parse", "--short", "HEAD"),
    gitDirty: (git("status", "--porcelain", "packages/asynq") ?? "") !== "",
    loadAvgStart: load0.map((x) => +x.toFixed(2)),
  };
  console.log(`Vigil bench: ${env.cpuModel}, ${ncpu} CPUs, ${env.kernel}, Node ${env.node}, Redis ${env.redis}`);
  console.log(
    `Vigil ${env.vigil} (${env.gitCommit}${env.gitDirty ? ", uncommitted changes" : ""}) vs BullMQ ${env.bullmq} (ioredis ${env.ioredis})`,
  );
  console.log(`private redis-server on 127.0.0.1:${redisServer.port} (no persistence)`);
  console.log(
    `n=${fmt(config.n)} per throughput run, latency n=${fmt(config.latencyN)} (gap ${config.gapMs} ms), ${config.runs} run(s)` +
      `${config.warmup ? " + 1 warm-up pass" : ""}, scenarios ${scenarios.map((s) => s.id).join(",")}${quick ? " [quick]" : ""}` +
      `; each worker process first runs ${fmt(config.processWarmup)} warm-up tasks on another queue`,
  );
  console.log(`load average at start: ${load0.map((x) => x.toFixed(2)).join(" ")}`);
  const warnings = [];
  if (load0[0] > ncpu * 0.5) {
    warnings.push(
      `the machine was busy before the bench started (1-min load ${load0[0].toFixed(2)} on ${ncpu} CPUs): absolute figures are noisy, compare the per-run ratios`,
    );
    console.warn(`warning: ${warnings.at(-1)}`);
  }
  if (config.cpuProf) mkdirSync(profDir, { recursive: true });

  const records = [];
  const passes = [
    ...(config.warmup ? [{ run: 0, warm: true }] : []),
    ...Array.from({ length: config.runs }, (_, i) => ({ run: i + 1, warm: false })),
  ];
  for (const { run, warm } of passes) {
    for (const sc of scenarios) {
      const libs = libsFor(sc);
      const k = run % libs.length; // rotate who goes first, run by run
      for (const lib of [...libs.slice(k), ...libs.slice(0, k)]) {
        const label = warm ? "[warm-up]" : `[run ${run}/${config.runs}]`;
        try {
          records.push(await measureQuietly(lib, sc, run, warm, label));
        } catch (e) {
          records.push({ scenario: sc.id, lib, run, warmup: warm, error: e.message });
          console.error(`${label} ${sc.id} ${lib} FAILED: ${e.message}`);
        }
      }
    }
  }

  const load1 = os.loadavg();
  env.loadAvgEnd = load1.map((x) => +x.toFixed(2));
  const summary = summarize(records);
  const tgts = targets(summary);
  const others = records.filter((r) => !r.warmup && Number.isFinite(r.otherCpuPct)).map((r) => r.otherCpuPct);
  if (median(others) > 10) {
    warnings.push(
      `other processes used a median ${median(others).toFixed(0)}% of the machine's CPU during the measurements: figures are noisy, trust the per-run ratios`,
    );
  }
  const noisy = records.filter((r) => r.noisy).length;
  if (noisy > 0) {
    warnings.push(
      `${noisy} measurement(s) ran while other processes used more than ${config.maxOtherPct}% of the CPU` +
        (config.retries > 0 ? ` (the quietest of ${config.retries + 1} tries was kept)` : ""),
    );
  }
  if (records.some((r) => r.error))
    warnings.push(`${records.filter((r) => r.error).length} measurement(s) failed (see "error" in the JSON)`);

  console.log("");
  console.log(report(summary, tgts));
  console.log("");
  console.log(`load average at end: ${load1.map((x) => x.toFixed(2)).join(" ")} (includes the bench itself)`);
  for (const w of warnings) console.warn(`warning: ${w}`);
  console.log(
    "Vigil: Client.enqueue / enqueueMany (pipelined), Server defaults + concurrency (instant pickup on). BullMQ: Queue.add / addBulk " +
      "with removeOnComplete+removeOnFail, Worker({ concurrency, autorun: false }) started with run(). Ratios are Vigil ÷ BullMQ " +
      "within the same run; higher is better for jobs/s, lower for latency, CPU and RSS.",
  );

  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${stamp}.json`);
  const options = {
    vigil:
      "Client.enqueue(type, {i}); enqueueMany in calls of 1,000 items; Server({ concurrency, queues: { default: 1 }, logLevel: 'warn' }), other options default (fetchers min(4, ceil(c/5)), each owning an equal share of the concurrency, dequeueBatchSize min(32, c), instantPickup)",
    "vigil-1loop":
      "as vigil, plus { fetchers: 1, dequeueBatchSize: 1 }: one fetch loop taking one task per dequeue, like Go asynq's processor",
    bullmq:
      "Queue.add(name, {i}, { removeOnComplete: true, removeOnFail: true }); addBulk of 1,000; Worker(queue, async () => {}, { concurrency, autorun: false }).run(); ioredis connection with maxRetriesPerRequest: null",
  };
  writeFileSync(
    file,
    JSON.stringify({ env, config, options, warnings, targets: tgts, summary, records }, null, 2) + "\n",
  );
  console.log(`results: ${relative(process.cwd(), file)}`);
  if (config.cpuProf)
    console.log(
      `CPU profiles: ${relative(process.cwd(), profDir)} (open in Chrome DevTools → Performance, or speedscope)`,
    );

  admin.disconnect();
  await redisServer.stop();
  redisServer = undefined;
}

main().catch(async (e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  for (const c of live) c.kill("SIGKILL");
  admin?.disconnect();
  await redisServer?.stop().catch(() => {});
  redisServer = undefined;
  process.exit(1);
});
