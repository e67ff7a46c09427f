// The task log buffer without Redis: lines of many tasks go out in one write per flush interval (and at once
// on flush), each task keeps only its newest lines, a failing write never reaches the handler, and every line
// is mirrored to pino with the task's identity.
import { describe, expect, it } from "vitest";
import { pino } from "pino";
import type { Broker } from "../base/broker.js";
import type { TaskLogBatch, TaskLogRetention } from "../base/extras.js";
import { newTaskMessage } from "../base/message.js";
import { SimulatedClock } from "../clock.js";
import { TaskLogWriter } from "./task-log-writer.js";

/** A broker whose only used method records (or fails) log writes. */
function recorder(fail = false) {
  const writes: TaskLogBatch[][] = [];
  const broker = {
    appendTaskLogs: async (batches: readonly TaskLogBatch[], _keep: TaskLogRetention) => {
      writes.push([...batches]);
      if (fail) throw new Error("redis down");
    },
  } as unknown as Broker;
  return { writes, broker };
}

function setup(fail = false, maxLines = 3) {
  const { writes, broker } = recorder(fail);
  const out: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "info" },
    { write: (s: string) => void out.push(JSON.parse(s) as Record<string, unknown>) },
  );
  const clock = new SimulatedClock(1_700_000_000_000);
  const w = new TaskLogWriter(broker, { maxLines, ttlMs: 60_000, flushMs: 30, clock }, logger);
  const m1 = newTaskMessage({ id: "t1", type: "payout", queue: "q", retried: 2 });
  const m2 = newTaskMessage({ id: "t2", type: "email", queue: "q2" });
  return { w, writes, out, m1, m2 };
}

describe("TaskLogWriter", () => {
  it("writes the lines of all tasks in one call per flush interval", async () => {
    const { w, writes, m1, m2 } = setup(false, 100);
    const a = w.loggerFor(m1);
    const b = w.loggerFor(m2);
    for (let i = 0; i < 10; i++) {
      a(`a${i}`);
      b.warn(`b${i}`, { i });
    }
    expect(writes).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((x) => [x.taskId, x.retried, x.lines.length])).toEqual([
      ["t1", 2, 10],
      ["t2", 0, 10],
    ]);
    expect(writes[0]![1]!.lines[3]).toEqual({
      tsMs: 1_700_000_000_000,
      level: "warn",
      message: "b3",
      fieldsJson: '{"i":3}',
    });
    a.error("late");
    await w.flush();
    expect(writes).toHaveLength(2);
    expect(w.has(m1)).toBe(false);
  });

  it("keeps only the newest maxLines lines of a task in the buffer", async () => {
    const { w, writes, m1 } = setup(false, 3);
    const log = w.loggerFor(m1);
    for (let i = 1; i <= 7; i++) log.info(`l${i}`);
    await w.flush();
    expect(writes[0]![0]!.lines.map((l) => l.message)).toEqual(["l5", "l6", "l7"]);
  });

  it("never throws to the handler: failed writes are reported to pino and dropped", async () => {
    const { w, out, m1 } = setup(true);
    const log = w.loggerFor(m1);
    expect(log("x", { circular: undefined })).toBeUndefined();
    await w.flush();
    await w.close();
    expect(out.some((l) => l.msg === "could not write task log lines; dropped" && l.droppedLines === 1)).toBe(true);
  });

  it("mirrors each line to pino at its level with taskId, type and queue", async () => {
    const { w, out, m2 } = setup();
    const log = w.loggerFor(m2);
    log.warn("slow provider", { ms: 2300, taskId: "spoofed" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.error("odd fields", cyclic);
    await w.close();
    expect(out[0]).toMatchObject({
      level: 40,
      msg: "slow provider",
      ms: 2300,
      taskId: "t2",
      type: "email",
      queue: "q2",
    });
    expect(out[1]).toMatchObject({ level: 50, msg: "odd fields", taskId: "t2" });
  });
});
