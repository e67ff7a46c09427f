// The bench's summary: medians and per-run ratios per scenario, the target verdicts, and the printed report.
// Split from run.mjs; it reads the run's configuration through the context passed to createSummary.
import { fmt, fmtRatio, median, spread, table } from "./stats.mjs";

/** Builds the summary functions over the run's configuration, scenarios and libraries. */
export function createSummary({ config, scenarios, SCENARIOS, LIBS, libsFor }) {
  const METRICS = {
    throughput: { label: "jobs/s", higherIsBetter: true, get: (r) => r.throughput, digits: 0 },
    p50: { label: "p50 ms", get: (r) => r.latencyMs?.p50, digits: 2 },
    p90: { label: "p90 ms", get: (r) => r.latencyMs?.p90, digits: 2 },
    p99: { label: "p99 ms", get: (r) => r.latencyMs?.p99, digits: 2 },
    max: { label: "max ms", get: (r) => r.latencyMs?.max, digits: 1 },
    clientCpu: { label: "client CPU µs/job", get: (r) => r.clientCpuUsPerJob, digits: 0 },
    redisCpu: { label: "Redis CPU µs/job", get: (r) => r.redisCpuUsPerJob, digits: 0 },
    redisCalls: { label: "Redis cmds/job", get: (r) => r.redisCallsPerJob, digits: 1 },
    scripts: { label: "scripts/job", get: (r) => r.scriptsPerJob, digits: 2 },
    reads: { label: "Redis reads/job", get: (r) => r.redisReadsPerJob, digits: 2 },
    rss: { label: "peak RSS MB", get: (r) => r.peakRssMB, digits: 0 },
    other: { label: "other CPU %", get: (r) => r.otherCpuPct, digits: 0 },
  };

  function summarize(records) {
    const out = {};
    for (const sc of scenarios) {
      out[sc.id] = {};
      const rs = records.filter((r) => r.scenario === sc.id && !r.warmup && !r.error);
      for (const lib of libsFor(sc)) {
        const mine = rs.filter((r) => r.lib === lib);
        const s = { runs: mine.length, metrics: {}, ratioVsBullmq: {} };
        for (const [key, m] of Object.entries(METRICS)) {
          const values = mine.map(m.get).filter((v) => Number.isFinite(v));
          if (values.length === 0) continue;
          s.metrics[key] = { median: median(values), runs: values };
          if (lib === "bullmq") continue;
          const ratios = mine
            .map((r) => {
              const ref = rs.find((x) => x.lib === "bullmq" && x.run === r.run);
              return ref ? m.get(r) / m.get(ref) : NaN;
            })
            .filter((v) => Number.isFinite(v));
          if (ratios.length) s.ratioVsBullmq[key] = spread(ratios);
        }
        out[sc.id][lib] = s;
      }
    }
    return out;
  }

  const med = (summary, sc, lib, key) => summary[sc]?.[lib]?.metrics[key]?.median;
  const ratio = (summary, sc, lib, key) => summary[sc]?.[lib]?.ratioVsBullmq[key];

  function targets(summary) {
    const t = [];
    for (const sc of ["P10", "P50"]) {
      const r = ratio(summary, sc, "vigil", "throughput");
      if (r)
        t.push({
          id: `${sc}-throughput`,
          what: `${sc} processing throughput ≥ 1.5× BullMQ`,
          value: `${r.median.toFixed(2)}×`,
          met: r.median >= 1.5,
        });
    }
    const p99 = med(summary, "L1", "vigil", "p99");
    if (Number.isFinite(p99))
      t.push({ id: "L1-p99", what: "idle pickup p99 < 5 ms", value: `${p99.toFixed(2)} ms`, met: p99 < 5 });
    for (const sc of ["P10", "P50"]) {
      const r = ratio(summary, sc, "vigil", "rss");
      if (r)
        t.push({
          id: `${sc}-rss`,
          what: `${sc} worker peak RSS ≤ BullMQ's`,
          value: `${r.median.toFixed(2)}×`,
          met: r.median <= 1.0,
        });
    }
    return t;
  }

  function report(summary, tgts) {
    const lines = [];
    const libsInRun = (sc) => libsFor(SCENARIOS.find((s) => s.id === sc));
    const mainRows = [];
    const row = (label, sc, key, target = "") => {
      if (!summary[sc]) return;
      const d = METRICS[key].digits;
      const cells = [
        label,
        fmt(med(summary, sc, "vigil", key), d),
        fmt(med(summary, sc, "bullmq", key), d),
        fmtRatio(ratio(summary, sc, "vigil", key)),
      ];
      if (config.shape)
        cells.push(
          libsInRun(sc).includes("vigil-1loop")
            ? `${fmt(med(summary, sc, "vigil-1loop", key), d)} (${fmtRatio(ratio(summary, sc, "vigil-1loop", key)).split(" ")[0]})`
            : "",
        );
      cells.push(target);
      mainRows.push(cells);
    };
    row("E1 enqueue one at a time, jobs/s", "E1", "throughput");
    row("E2 enqueue in batches of 1,000, jobs/s", "E2", "throughput");
    row("P10 process no-op, concurrency 10, jobs/s", "P10", "throughput", "≥ 1.50×");
    row("P50 process no-op, concurrency 50, jobs/s", "P50", "throughput", "≥ 1.50×");
    row("L1 idle pickup latency p50, ms", "L1", "p50");
    row("L1 idle pickup latency p99, ms", "L1", "p99", "Vigil < 5 ms");
    row("L1 idle pickup latency max, ms", "L1", "max");
    row("P10 worker peak RSS, MB", "P10", "rss", "≤ 1.00×");
    row("P50 worker peak RSS, MB", "P50", "rss", "≤ 1.00×");
    const header = ["Scenario (median of runs)", "Vigil", "BullMQ", "Vigil ÷ BullMQ (per-run min–max)"];
    if (config.shape) header.push("Vigil Asynq-shaped (÷ BullMQ)");
    header.push("Target");
    lines.push(table(header, mainRows));

    const costRows = [];
    for (const sc of scenarios) {
      for (const lib of libsFor(sc)) {
        const s = summary[sc.id][lib];
        if (!s?.runs) continue;
        const m = (k, d) => fmt(s.metrics[k]?.median, d);
        const perRun = (s.metrics.throughput ?? s.metrics.p99)?.runs
          .map((v) => fmt(v, s.metrics.throughput ? 0 : 2))
          .join(" / ");
        costRows.push([
          sc.id,
          LIBS[lib].label,
          perRun ?? "–",
          m("clientCpu"),
          m("redisCpu"),
          m("redisCalls", 1),
          m("scripts", 2),
          m("reads", 2),
          m("rss"),
          m("other"),
        ]);
      }
    }
    lines.push("");
    lines.push(
      table(
        [
          "Scenario",
          "Library",
          "per run (jobs/s or p99 ms)",
          "client CPU µs/job",
          "Redis CPU µs/job",
          "Redis cmds/job",
          "scripts/job",
          "socket reads/job",
          "peak RSS MB",
          "other CPU %",
        ],
        costRows,
      ),
    );
    lines.push("");
    for (const t of tgts) lines.push(`target ${t.met ? "MET   " : "MISSED"}  ${t.what}: ${t.value}`);
    return lines.join("\n");
  }

  return { summarize, targets, report };
}
