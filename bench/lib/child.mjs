// Child side of the bench protocol (one fresh process per measurement, driven by run.mjs over IPC).
// The driver sends {op:"setup", cfg}, then {op:"go"}, then {op:"close"}; the child answers "ready",
// "result" (wall time and CPU of the timed region, peak RSS) and "closed". Errors come back as "error".
import { readFileSync } from "node:fs";

/**
 * Peak and current resident set size of this process in kB, from /proc/self/status (Linux), and the
 * V8 heap figures of process.memoryUsage() in kB.
 */
export function memoryKb() {
  const m = process.memoryUsage();
  const heap = {
    heapTotal: Math.round(m.heapTotal / 1024),
    heapUsed: Math.round(m.heapUsed / 1024),
    external: Math.round(m.external / 1024),
  };
  try {
    const s = readFileSync("/proc/self/status", "utf8");
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN);
    return { vmHWM: kb("VmHWM"), vmRSS: kb("VmRSS"), ...heap };
  } catch {
    return { vmHWM: NaN, vmRSS: Math.round(m.rss / 1024), ...heap };
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `pred()` becomes true, checking every `everyMs`; rejects after `timeoutMs`. */
export async function until(pred, what, timeoutMs = 120_000, everyMs = 1) {
  const deadline = performance.now() + timeoutMs;
  while (!(await pred())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Records enqueue→handler-start latencies. Producers put `t0` (process.hrtime.bigint() as a decimal string,
 * CLOCK_MONOTONIC, comparable between processes on one machine) into the payload before calling enqueue;
 * the handler calls record() first thing. Tasks marked `w` (warm-up) are not recorded.
 */
export class LatencyRecorder {
  constructor(n) {
    this.n = n;
    this.samples = new Float64Array(n);
    this.count = 0;
    this.onFull = undefined;
  }
  record(nowNs, data) {
    if (data.w || this.count >= this.n) return;
    this.samples[this.count++] = Number(nowNs - BigInt(data.t0)) / 1e6;
    if (this.count === this.n) this.onFull?.();
  }
  full() {
    return this.count >= this.n ? Promise.resolve() : new Promise((r) => (this.onFull = r));
  }
  summary() {
    const s = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    return { count: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1], mean };
  }
}

/**
 * Latency producer loop shared by both libraries: `warmup` unrecorded tasks, then `n` tasks, one at a
 * time, awaiting each enqueue and then sleeping `gapMs` (about 300-400 tasks/s with a 2 ms gap).
 */
export async function produceForLatency(enqueue, { n, warmup, gapMs }) {
  for (let i = 0; i < warmup + n; i++) {
    const data = { i, t0: String(process.hrtime.bigint()) };
    if (i < warmup) data.w = 1;
    await enqueue(data);
    await sleep(gapMs);
  }
}

/**
 * Runs the protocol with `impl`: { setup(cfg), go() → extra result fields, close() }. The timed region is
 * exactly go(): wall time from performance.now() and user+system CPU from process.cpuUsage().
 */
export function serveChild(impl) {
  if (!process.send) throw new Error("this file is a bench child: start it with `npm run bench`");
  const send = (m) => process.send(m);
  const fail = (e) => send({ op: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    try {
      await impl.close();
    } catch (e) {
      fail(e);
    }
    send({ op: "closed", memory: memoryKb() });
    process.disconnect?.();
    // Leave through a normal exit so --cpu-prof can write its profile; force it if a handle lingers.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("disconnect", () => void close());
  process.on("message", async (m) => {
    try {
      if (m.op === "setup") {
        await impl.setup(m.cfg);
        send({ op: "ready", memory: memoryKb() });
      } else if (m.op === "go") {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const extra = (await impl.go()) ?? {};
        const wallMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        send({ op: "result", result: { wallMs, cpuUs: cpu.user + cpu.system, memory: memoryKb(), ...extra } });
      } else if (m.op === "close") {
        await close();
      }
    } catch (e) {
      fail(e);
    }
  });
}
