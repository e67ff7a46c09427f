// `vigil cron status` and `vigil cron run-now` against the Go scene: table, colour on a terminal, --json,
// flag validation and exit codes.
import { describe, expect, it } from "vitest";
import { loadDump } from "../../asynq/test/support/scene.js";
import { loadScene } from "../../asynq/test/support/fixtures.js";
import { useTestRedis } from "../../asynq/test/support/redis.js";
import { SimulatedClock, vigil } from "./capture-io.js";

const t = useTestRedis();

/** The v0.24.1 scene at its own time; the entries list keeps no real TTL so tests cannot race it. */
async function scene() {
  const s = loadScene(".");
  await loadDump(t.redis(), s);
  const entriesKey = Object.keys(s.keys).find((k) => s.keys[k]!.asynq_kind === "scheduler_entries")!;
  await t.redis().persist(entriesKey);
  const allSchedulers = Object.keys(s.keys).find((k) => s.keys[k]!.asynq_kind === "all_schedulers_zset")!;
  const ids = Object.fromEntries(
    (s.keys[entriesKey]!.value as unknown as { decoded: { id: string; spec: string } }[]).map((v) => [
      v.decoded.spec,
      v.decoded.id,
    ]),
  );
  return { clock: new SimulatedClock(s.meta.taken_at_unix_ms + 50), ids, allSchedulers };
}

describe("vigil cron status", () => {
  it("prints one row per entry with status, spec in words, last run + outcome, next run and counts", async () => {
    const { clock, ids } = await scene();
    const r = await vigil(["--redis", t.url(), "cron", "status"], { clock });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^STATUS\s+SPEC\s+IN WORDS\s+TYPE\s+QUEUE\s+LAST RUN\s+NEXT RUN\s+RUNS\s+MISSED\s+LATE\s+FAILS\s+ENTRY ID$/,
    );
    expect(lines).toHaveLength(4);
    const row = (spec: string): string => lines.find((l) => l.includes(ids[spec]!))!;
    expect(row("@every 30s")).toMatch(
      /^healthy\s+@every 30s\s+every 30s\s+crawl_tiktok\s+default\s+2026-11-29 01:12:32Z \(7s ago\) pending\s+2026-11-29 01:13:02Z \(in 23s\)\s+1\/1\s+0\s+0\s+0\s/,
    );
    expect(row("0 2 * * *")).toMatch(
      /^paused\s+0 2 \* \* \*\s+at 02:00 every day\s+snapshot_daily\s+low\s+never\s+2026-11-29 02:00:00Z/,
    );
    expect(row("*/15 * * * *")).toMatch(
      /^healthy\s+\*\/15 \* \* \* \*\s+every 15 minutes\s+budget_check\s+critical\s+never\s+2026-11-29 01:15:00Z/,
    );
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("colours the status on a terminal", async () => {
    const { clock } = await scene();
    const r = await vigil(["--redis", t.url(), "cron", "status"], { clock, tty: true });
    expect(r.stdout).toContain("\u001b[32mhealthy\u001b[39m");
    expect(r.stdout).toContain("\u001b[33mpaused\u001b[39m");
    const plain = await vigil(["--redis", t.url(), "--no-color", "cron", "status"], { clock, tty: true });
    expect(plain.stdout).not.toContain("\u001b[");
  });

  it("--json has the full status with stable field names; --window and --grace are passed through", async () => {
    const { clock, ids } = await scene();
    const r = await vigil(["--redis", t.url(), "--json", "cron", "status", "--window", "1h", "--grace", "30s"], {
      clock,
    });
    expect(r.code).toBe(0);
    const all = JSON.parse(r.stdout) as Record<string, unknown>[];
    const every = all.find((e) => e.id === ids["@every 30s"])!;
    expect(every).toMatchObject({
      spec: "@every 30s",
      status: "healthy",
      payload: { text: '{"source":"tiktok","max_items":100}' },
      expected: 1,
      actual: 1,
      consecutiveFailures: 0,
      live: true,
    });
    expect((every.runs as Record<string, unknown>[])[0]).toMatchObject({
      outcome: "pending",
      timing: "on-time",
      manual: false,
    });
    expect(every.nextRuns).toHaveLength(5);
  });

  it("shows a missed tick after the scheduler skipped it, and scheduler-down after it stopped", async () => {
    const { clock, ids, allSchedulers } = await scene();
    await vigil(["--redis", t.url(), "cron", "status"], { clock }); // first sight
    clock.set(Date.parse("2026-11-29T01:16:30Z"));
    const down = await vigil(["--redis", t.url(), "cron", "status"], { clock });
    expect(down.stdout).toMatch(new RegExp(`scheduler-down\\s.*${ids["*/15 * * * *"]}`));
    expect(down.stderr).toContain(`${ids["*/15 * * * *"]}: not published since`);
    const [schedulerKey] = await t.redis().zrange(allSchedulers, "0", "-1");
    await t.redis().zadd(allSchedulers, Math.floor(clock.nowMs() / 1000) + 20, schedulerKey!); // it beats again
    const missed = await vigil(["--redis", t.url(), "cron", "status"], { clock });
    expect(missed.stdout).toMatch(
      new RegExp(
        `^missed\\s+\\*/15.*never\\s+2026-11-29 01:30:00Z \\(in 13m30s\\)\\s+0/1\\s+1\\s+0\\s+0\\s+${ids["*/15 * * * *"]}$`,
        "m",
      ),
    );
  });

  it("refuses a bad --window or --grace with exit code 2, naming the flag", async () => {
    const { clock } = await scene();
    const w = await vigil(["--redis", t.url(), "cron", "status", "--window", "7d"], { clock });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('--window "7d" is not valid');
    const g = await vigil(["--redis", t.url(), "cron", "status", "--grace", "-5s"], { clock });
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("--grace");
  });
});

describe("vigil cron run-now", () => {
  it("enqueues the entry's task now and the next status lists it as a manual run", async () => {
    const { clock, ids } = await scene();
    const r = await vigil(["--redis", t.url(), "cron", "run-now", ids["@every 30s"]!], { clock });
    expect(r.code).toBe(0);
    const m = /^enqueued crawl_tiktok as task (\S+) in queue default \(pending\)$/.exec(r.stdout.trim());
    expect(m).not.toBeNull();
    const json = await vigil(["--redis", t.url(), "--json", "cron", "run-now", ids["*/15 * * * *"]!], { clock });
    expect(JSON.parse(json.stdout)).toMatchObject({ type: "budget_check", queue: "critical", state: "pending" });
    const st = JSON.parse((await vigil(["--redis", t.url(), "--json", "cron", "status"], { clock })).stdout) as {
      id: string;
      runs: { taskId: string; manual: boolean }[];
    }[];
    const every = st.find((e) => e.id === ids["@every 30s"])!;
    expect(every.runs.find((x) => x.taskId === m![1])).toMatchObject({ manual: true });
    const text = await vigil(["--redis", t.url(), "cron", "status"], { clock });
    expect(text.stdout).toMatch(/pending, manual/);
  });

  it("exits 3 for an unknown entry id", async () => {
    const { clock } = await scene();
    const r = await vigil(["--redis", t.url(), "cron", "run-now", "nope"], { clock });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no cron entry with id "nope"');
  });
});
