// `vigil` against a real Redis holding the scene Go asynq wrote: text and --json output, mutations, errors, exit codes.
import { describe, expect, it } from "vitest";
import { loadDump } from "../../asynq/test/support/scene.js";
import { loadScene, loadInspect, sceneVersions } from "../../asynq/test/support/fixtures.js";
import { useTestRedis } from "../../asynq/test/support/redis.js";
import { SimulatedClock, vigil } from "./capture-io.js";

const t = useTestRedis();

async function scene(dir: string) {
  const s = loadScene(dir);
  await loadDump(t.redis(), s);
  return { clock: new SimulatedClock(s.meta.taken_at_unix_ms + 50), inspect: loadInspect(dir) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe.each(sceneVersions)("vigil on the Go $version scene", ({ dir }) => {
  it("queue ls prints every queue with Go's counts; --json has stable field names", async () => {
    const { clock, inspect } = await scene(dir);
    const text = await vigil(["--redis", t.url(), "queue", "ls"], { clock });
    expect(text.code).toBe(0);
    for (const q of inspect.queues as string[]) expect(text.stdout).toContain(q);
    expect(text.stdout).toMatch(/^QUEUE\s+STATE\s+SIZE\s+PENDING/);
    expect(text.stdout).toMatch(/low\s+paused/);
    const json = await vigil(["--redis", t.url(), "--json", "queue", "ls"], { clock });
    const infos = JSON.parse(json.stdout) as Record<string, unknown>[];
    for (const info of infos) {
      const go = inspect.queue_info[info.queue as string];
      for (const k of [
        "pending",
        "active",
        "scheduled",
        "retry",
        "archived",
        "completed",
        "aggregating",
        "size",
        "groups",
        "paused",
        "processed",
        "failed",
      ])
        expect(info[k], `${info.queue}.${k}`).toEqual(go[k]);
      expect(info.processedTotal).toBe(go.processed_total);
      expect(info.failedTotal).toBe(go.failed_total);
    }
  });

  it("task ls / inspect agree with Go's Inspector; binary payloads never reach the terminal raw", async () => {
    const { clock, inspect } = await scene(dir);
    const retry = await vigil(["--redis", t.url(), "task", "ls", "-q", "critical", "-s", "retry"], { clock });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain("retry-payment-55");
    expect(retry.stdout).toContain("card declined, try again");
    expect(retry.stdout).toContain("1/5");
    const json = await vigil(["--redis", t.url(), "--json", "task", "ls", "-q", "default", "-s", "pending"], { clock });
    const ids = (JSON.parse(json.stdout) as { id: string }[]).map((x) => x.id);
    expect(ids).toEqual((inspect.tasks.default.pending as { id: string }[]).map((x) => x.id));
    const bin = await vigil(["--redis", t.url(), "task", "ls", "-q", "low", "-s", "pending"], { clock });
    expect(bin.stdout).toContain("<10 bytes binary>");
    const binJson = await vigil(
      ["--redis", t.url(), "--json", "task", "inspect", "-q", "low", "-i", "pending-binary-payload"],
      { clock },
    );
    expect(JSON.parse(binJson.stdout).payload).toEqual({ base64: "AP/+gGFzeW5xAQ==" });
    const one = await vigil(["--redis", t.url(), "task", "inspect", "-q", "default", "-i", "archived-webhook-9"], {
      clock,
    });
    expect(one.stdout).toMatch(/state\s+archived/);
    expect(one.stdout).toContain("skip retry for the task");
  });

  it("server ls, cron ls, cron history and group ls show the live Go processes", async () => {
    const { clock, inspect } = await scene(dir);
    const servers = await vigil(["--redis", t.url(), "server", "ls"], { clock });
    expect(servers.stdout).toContain(inspect.servers[0].id);
    expect(servers.stdout).toMatch(/2\/2/);
    const cron = await vigil(["--redis", t.url(), "cron", "ls"], { clock });
    for (const e of inspect.scheduler_entries) expect(cron.stdout).toContain(e.spec);
    expect(cron.stdout).toContain('Queue("low")');
    const every = inspect.scheduler_entries.find((e: { spec: string }) => e.spec === "@every 30s");
    const hist = await vigil(["--redis", t.url(), "--json", "cron", "history", every.id], { clock });
    expect(JSON.parse(hist.stdout)[every.id][0].taskId).toBe(inspect.scheduler_enqueue_events[every.id][0].task_id);
    const groups = await vigil(["--redis", t.url(), "group", "ls", "-q", "default"], { clock });
    expect(groups.stdout).toMatch(/digest:user:7\s+3/);
  });

  it("stats sums states across queues", async () => {
    const { clock } = await scene(dir);
    const r = await vigil(["--redis", t.url(), "--json", "stats"], { clock });
    const s = JSON.parse(r.stdout);
    expect(s.aggregate.active).toBe(2);
    expect(s.aggregate.archived).toBe(2);
    expect(s.queues).toHaveLength(3);
    expect(s.redis[0].version).toMatch(/^\d+\./);
    const text = await vigil(["--redis", t.url(), "stats"], { clock });
    expect(text.stdout).toMatch(/REDIS\s+ROLE\s+VERSION/);
    expect(text.stdout).toMatch(/master\s+\d+\.\d+/);
  });
});

describe("vigil mutations", () => {
  it("enqueue then run, archive and delete by id; pause and resume", async () => {
    const e = await vigil([
      "--redis",
      t.url(),
      "--json",
      "enqueue",
      "snapshot_daily",
      '{"kind":"daily"}',
      "-q",
      "low",
      "--max-retry",
      "10",
      "--timeout",
      "30m",
      "--id",
      "snap-1",
    ]);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({
      id: "snap-1",
      queue: "low",
      state: "pending",
      maxRetry: 10,
      timeoutSeconds: 1800,
      payload: { text: '{"kind":"daily"}' },
    });
    expect((await vigil(["--redis", t.url(), "task", "archive", "-q", "low", "-i", "snap-1"])).code).toBe(0);
    expect(await t.redis().hget("asynq:{low}:t:snap-1", "state")).toBe("archived");
    expect((await vigil(["--redis", t.url(), "task", "run", "-q", "low", "snap-1"])).code).toBe(0);
    expect(await t.redis().hget("asynq:{low}:t:snap-1", "state")).toBe("pending");
    const declined = await vigil(["--redis", t.url(), "task", "delete", "-q", "low", "-i", "snap-1"]);
    expect(declined.code).toBe(6);
    expect(await t.redis().exists("asynq:{low}:t:snap-1")).toBe(1);
    expect((await vigil(["--redis", t.url(), "--yes", "task", "delete", "-q", "low", "-i", "snap-1"])).code).toBe(0);
    expect(await t.redis().exists("asynq:{low}:t:snap-1")).toBe(0);
    expect((await vigil(["--redis", t.url(), "queue", "pause", "low"])).code).toBe(0);
    expect(await t.redis().exists("asynq:{low}:paused")).toBe(1);
    expect((await vigil(["--redis", t.url(), "queue", "resume", "low"])).code).toBe(0);
    expect(await t.redis().exists("asynq:{low}:paused")).toBe(0);
  });

  it("payload from a file and from stdin is kept byte for byte", async () => {
    const bytes = Buffer.from([0, 255, 254, 128, 97]);
    const r = await vigil(["--redis", t.url(), "--json", "enqueue", "blob:process", "--stdin", "--id", "b1"], {
      stdin: bytes,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).payload).toEqual({ base64: bytes.toString("base64") });
  });

  it("bulk: --dry-run counts and changes nothing; --yes runs", async () => {
    for (let i = 0; i < 3; i++)
      await vigil(["--redis", t.url(), "enqueue", "email:welcome", `{"user_id":${i}}`, "--process-in", "1h"]);
    const dry = await vigil(["--redis", t.url(), "task", "runall", "-q", "default", "-s", "scheduled", "--dry-run"]);
    expect(dry.stdout).toContain("would run 3 scheduled task(s)");
    expect(await t.redis().zcard("asynq:{default}:scheduled")).toBe(3);
    const r = await vigil(["--redis", t.url(), "--json", "task", "runall", "-q", "default", "-s", "scheduled"]);
    expect(JSON.parse(r.stdout)).toEqual({ ran: 3 });
    expect(await t.redis().llen("asynq:{default}:pending")).toBe(3);
  });

  it("queue rm refuses a non-empty queue (exit 4) and needs confirmation for --force", async () => {
    await vigil(["--redis", t.url(), "enqueue", "x", "--queue", "tmp"]);
    const r = await vigil(["--redis", t.url(), "queue", "rm", "tmp"]);
    expect(r.code).toBe(4);
    const f = await vigil(["--redis", t.url(), "queue", "rm", "tmp", "--force"]);
    expect(f.code).toBe(6);
    expect(await t.redis().sismember("asynq:queues", "tmp")).toBe(1);
    const y = await vigil(["--redis", t.url(), "queue", "rm", "tmp", "--force"], { confirm: true });
    expect(y.code).toBe(0);
    expect(await t.redis().sismember("asynq:queues", "tmp")).toBe(0);
  });
});

describe("vigil errors", () => {
  it.each([
    [["task", "ls", "-q", "default", "-s", "done"], /--state must be one of active, pending, scheduled/],
    [["task", "ls", "-q", "default", "-s", "pending", "--size", "0"], /--size must be a whole number from 1/],
    [["enqueue", "x", "--max-retry", "three"], /--max-retry must be a whole number/],
    [["enqueue", "x", "--timeout", "soon"], /timeout/],
    [["enqueue", "x", "--header", "novalue"], /--header must be key=value/],
    [["queue", "history", "default", "--days", "0"], /--days must be a whole number from 1 to 90/],
    [["--redis", "mysql://x", "queue", "ls"], /redis URL scheme/],
    [["--redis", "redis://a", "--cluster", "b:1", "queue", "ls"], /give only one of --redis, --cluster, --sentinel/],
    [["task", "ls"], /required option/],
  ])("%j → exit 2 with a message saying what is accepted, nothing written", async (argv, msg) => {
    const args = argv[0]?.startsWith("--") ? argv : ["--redis", t.url(), ...argv];
    const r = await vigil(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(await t.redis().dbsize()).toBe(0);
  });

  it("unknown queue and task exit 3", async () => {
    expect((await vigil(["--redis", t.url(), "queue", "inspect", "nope"])).code).toBe(3);
    await vigil(["--redis", t.url(), "enqueue", "x"]);
    expect((await vigil(["--redis", t.url(), "task", "inspect", "-q", "default", "-i", "missing"])).code).toBe(3);
  });

  it("unreachable Redis exits 5 quickly instead of hanging", async () => {
    const r = await vigil(["--redis", "redis://127.0.0.1:1", "queue", "ls"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cannot reach Redis/);
  });

  it("connection precedence: flag > VIGIL_REDIS_URL > default", async () => {
    await vigil(["--redis", t.url(), "enqueue", "x", "--queue", "from-flag"]);
    const env = await vigil(["--json", "queue", "ls"], { env: { VIGIL_REDIS_URL: t.url() } });
    expect(JSON.parse(env.stdout)[0].queue).toBe("from-flag");
    const flagWins = await vigil(["--redis", t.url(), "--json", "queue", "ls"], {
      env: { VIGIL_REDIS_URL: "redis://127.0.0.1:1" },
    });
    expect(flagWins.code).toBe(0);
  });

  it("colour only on a terminal and never with NO_COLOR", async () => {
    await vigil(["--redis", t.url(), "enqueue", "x"]);
    const tty = await vigil(["--redis", t.url(), "queue", "ls"], { tty: true });
    expect(tty.stdout).toContain("\u001b[");
    const noColor = await vigil(["--redis", t.url(), "queue", "ls"], { tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("\u001b[");
    const pipe = await vigil(["--redis", t.url(), "queue", "ls"]);
    expect(pipe.stdout).not.toContain("\u001b[");
  });
});
