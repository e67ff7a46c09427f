// `vigil task logs` (text, --json, --since, --follow), `vigil task checkpoint` (text, --json, none) and
// `vigil runs` (table, --type, --limit, --json) over tasks a real Vigil server processed.
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Client, Server, type HandlerContext, type Task } from "@vigil/asynq";
import { useTestRedis } from "../../asynq/test/support/redis.js";
import { vigil } from "./capture-io.js";

const t = useTestRedis();
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

function server(): Server {
  const s = new Server(t.url(), {
    concurrency: 4,
    queues: { payouts: 1 },
    taskCheckInterval: 20,
    logger: pino({ level: "silent" }),
    retryDelayFunc: () => 0,
    delayedTaskCheckInterval: 50,
  });
  open.push({ close: () => s.shutdown() });
  return s;
}

function client(): Client {
  const c = new Client(t.url());
  open.push(c);
  return c;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Processes one payout that fails for good after item 3 (archived, checkpoint kept) and one that succeeds. */
async function seed(): Promise<{ failed: string; ok: string }> {
  const c = client();
  const failed = (await c.enqueue("reward:payout", { campaign: 1 }, { queue: "payouts", maxRetry: 0 })).id;
  const ok = (await c.enqueue("email:welcome", { user: 2 }, { queue: "payouts" })).id;
  await server().start(async (task: Task, ctx: HandlerContext) => {
    if (task.type === "email:welcome") return ctx.log("sent", { to: "bob@example.com" });
    for (let item = 1; item <= 3; item++) {
      ctx.log("paid", { item });
      await ctx.checkpoint({ paidThrough: item });
    }
    ctx.log.error("provider down", { code: 503 });
    throw new Error("provider down");
  });
  const cli = (args: string[]) => vigil(["--redis", t.url(), ...args]);
  await until(
    "both runs",
    async () => JSON.parse((await cli(["--json", "runs", "-q", "payouts"])).stdout).length === 2,
  );
  return { failed, ok };
}

describe("vigil task logs", () => {
  it("prints the lines as text or JSON, newest --limit or after --since", async () => {
    const { failed } = await seed();
    const text = await vigil(["--redis", t.url(), "task", "logs", "-q", "payouts", "-i", failed]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z info {2}\[try 1\] paid {2}item=1$/);
    expect(lines[3]).toMatch(/ error \[try 1\] provider down {2}code=503$/);
    const json = await vigil(["--redis", t.url(), "--json", "task", "logs", "-q", "payouts", failed, "-n", "2"]);
    const got = JSON.parse(json.stdout) as { id: string; level: string; message: string; fields: object }[];
    expect(got.map((l) => [l.level, l.message, l.fields])).toEqual([
      ["info", "paid", { item: 3 }],
      ["error", "provider down", { code: 503 }],
    ]);
    const after = await vigil([
      "--redis",
      t.url(),
      "--json",
      "task",
      "logs",
      "-q",
      "payouts",
      failed,
      "--since",
      got[0]!.id,
    ]);
    expect((JSON.parse(after.stdout) as unknown[]).length).toBe(1);
    const none = await vigil(["--redis", t.url(), "task", "logs", "-q", "payouts", "-i", "nope"]);
    expect(none).toMatchObject({ code: 0, stdout: "" });
    expect(none.stderr).toContain("no log lines for task nope");
    const bad = await vigil(["--redis", t.url(), "task", "logs", "-q", "payouts", "-i", "x", "--since", "soon"]);
    expect(bad.code).toBe(2);
  });

  it("--follow prints lines as the running task writes them and stops once it finished", async () => {
    const c = client();
    const id = (await c.enqueue("slow:report", null, { queue: "reports" })).id;
    const following = vigil([
      "--redis",
      t.url(),
      "task",
      "logs",
      "-q",
      "reports",
      "-i",
      id,
      "--follow",
      "--interval",
      "20",
    ]);
    const srv = new Server(t.url(), {
      queues: { reports: 1 },
      taskCheckInterval: 20,
      logger: pino({ level: "silent" }),
      taskLogs: { flushInterval: 10 },
    });
    open.push({ close: () => srv.shutdown() });
    await srv.start(async (_task: Task, ctx: HandlerContext) => {
      for (let i = 1; i <= 5; i++) {
        ctx.log(`part ${i} of 5`);
        await new Promise((r) => setTimeout(r, 60));
      }
    });
    const r = await following;
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.replace(/^.* \[try 1\] /, "")),
    ).toEqual(["part 1 of 5", "part 2 of 5", "part 3 of 5", "part 4 of 5", "part 5 of 5"]);
  });
});

describe("vigil task checkpoint", () => {
  it("shows the archived task's last checkpoint as text and JSON; none after success", async () => {
    const { failed, ok } = await seed();
    const text = await vigil(["--redis", t.url(), "task", "checkpoint", "-q", "payouts", "-i", failed]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^task {8}\S+\nsaved at {4}\d{4}-.+ago\)\nby attempt {2}1\nstate {7}\{"paidThrough":3\}\n$/,
    );
    const json = await vigil(["--redis", t.url(), "--json", "task", "checkpoint", "-q", "payouts", failed]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      taskId: failed,
      queue: "payouts",
      state: { paidThrough: 3 },
      retryCount: 0,
    });
    const none = await vigil(["--redis", t.url(), "task", "checkpoint", "-q", "payouts", "-i", ok]);
    expect(none).toMatchObject({ code: 0, stdout: "" });
    expect(none.stderr).toContain(`no checkpoint for task ${ok}`);
    const noneJson = await vigil(["--redis", t.url(), "--json", "task", "checkpoint", "-q", "payouts", ok]);
    expect(JSON.parse(noneJson.stdout)).toBeNull();
  });
});

describe("vigil runs", () => {
  it("lists finished attempts newest first with outcome, duration and error; filters by type", async () => {
    const { failed, ok } = await seed();
    const table = await vigil(["--redis", t.url(), "runs", "-q", "payouts"]);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^FINISHED\s+TASK ID\s+TYPE\s+OUTCOME\s+DURATION\s+ERROR$/);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.includes(failed))).toMatch(/reward:payout\s+archived\s+\d+ms\s+provider down$/);
    expect(rows.find((r) => r.includes(ok))).toMatch(/email:welcome\s+success\s+\d+ms$/);
    const typed = await vigil(["--redis", t.url(), "--json", "runs", "-q", "payouts", "--type", "email:welcome"]);
    const runs = JSON.parse(typed.stdout) as { taskId: string; outcome: string; startedAt: string }[];
    expect(runs.map((r) => [r.taskId, r.outcome])).toEqual([[ok, "success"]]);
    expect(runs[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const limited = await vigil(["--redis", t.url(), "--json", "runs", "-q", "payouts", "--limit", "1"]);
    expect((JSON.parse(limited.stdout) as unknown[]).length).toBe(1);
    const empty = await vigil(["--redis", t.url(), "runs", "-q", "go-only"]);
    expect(empty).toMatchObject({ code: 0, stdout: "" });
    expect(empty.stderr).toContain("no runs recorded for go-only");
  });
});
