// Every Go Inspector mutation fixture (transitions/inspector_*.json): load `before`, run Vigil's Inspector
// with the clock at Go's operation time, and compare the Redis state with `after` and the result with Go's.
import { afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import {
  isFailedPreconditionError,
  isQueueNotEmptyError,
  isQueueNotFoundError,
  isTaskNotFoundError,
} from "../../src/errors.js";
import { Inspector } from "../../src/inspector.js";
import * as keys from "../../src/internal/base/keys.js";
import { SimulatedClock } from "../../src/internal/clock.js";
import { compareDumps } from "../support/compare-dump.js";
import { loadTransition, transitionFiles, type Transition } from "../support/fixtures.js";
import { useTestRedis } from "../support/redis.js";
import { dumpRedis, loadDump } from "../support/scene.js";

const t = useTestRedis();
/** Inspector_servers_prunes_expired is a read (Servers()) and is covered by the read side's tests. */
const files = transitionFiles("inspector_").filter((f) => f !== "inspector_servers_prunes_expired");

type Operation = Transition["operation"];
const str = (op: Operation, name: string): string => {
  const v = op[name];
  if (typeof v !== "string") throw new Error(`fixture operation has no string ${name}`);
  return v;
};

/** Go API name → the same call on Vigil's Inspector. */
const calls: Record<string, (i: Inspector, op: Operation) => Promise<unknown>> = {
  "Inspector.RunTask": (i, op) => i.runTask(str(op, "queue"), str(op, "id")),
  "Inspector.ArchiveTask": (i, op) => i.archiveTask(str(op, "queue"), str(op, "id")),
  "Inspector.DeleteTask": (i, op) => i.deleteTask(str(op, "queue"), str(op, "id")),
  "Inspector.UpdateTaskPayload": (i, op) => i.updateTaskPayload(str(op, "queue"), str(op, "id"), str(op, "payload")),
  "Inspector.RunAllScheduledTasks": (i, op) => i.runAllScheduledTasks(str(op, "queue")),
  "Inspector.RunAllRetryTasks": (i, op) => i.runAllRetryTasks(str(op, "queue")),
  "Inspector.RunAllArchivedTasks": (i, op) => i.runAllArchivedTasks(str(op, "queue")),
  "Inspector.RunAllAggregatingTasks": (i, op) => i.runAllAggregatingTasks(str(op, "queue"), str(op, "group")),
  "Inspector.ArchiveAllPendingTasks": (i, op) => i.archiveAllPendingTasks(str(op, "queue")),
  "Inspector.ArchiveAllScheduledTasks": (i, op) => i.archiveAllScheduledTasks(str(op, "queue")),
  "Inspector.ArchiveAllRetryTasks": (i, op) => i.archiveAllRetryTasks(str(op, "queue")),
  "Inspector.ArchiveAllAggregatingTasks": (i, op) => i.archiveAllAggregatingTasks(str(op, "queue"), str(op, "group")),
  "Inspector.DeleteAllPendingTasks": (i, op) => i.deleteAllPendingTasks(str(op, "queue")),
  "Inspector.DeleteAllScheduledTasks": (i, op) => i.deleteAllScheduledTasks(str(op, "queue")),
  "Inspector.DeleteAllRetryTasks": (i, op) => i.deleteAllRetryTasks(str(op, "queue")),
  "Inspector.DeleteAllArchivedTasks": (i, op) => i.deleteAllArchivedTasks(str(op, "queue")),
  "Inspector.DeleteAllCompletedTasks": (i, op) => i.deleteAllCompletedTasks(str(op, "queue")),
  "Inspector.DeleteAllAggregatingTasks": (i, op) => i.deleteAllAggregatingTasks(str(op, "queue"), str(op, "group")),
  "Inspector.PauseQueue": (i, op) => i.pauseQueue(str(op, "queue")),
  "Inspector.UnpauseQueue": (i, op) => i.unpauseQueue(str(op, "queue")),
  "Inspector.DeleteQueue": (i, op) => i.deleteQueue(str(op, "queue"), op.force === true),
  "Inspector.CancelProcessing": (i, op) => i.cancelProcessing(str(op, "id")),
};

/** Go's error texts (spec §15.5) → the typed error Vigil throws for the same failure. */
const goErrors: [RegExp, (e: unknown) => boolean][] = [
  [/^queue is not empty: /, isQueueNotEmptyError],
  [/^queue not found: |^asynq: queue not found$/, isQueueNotFoundError],
  [/^asynq: task not found$/, isTaskNotFoundError],
  [
    /^asynq: FAILED_PRECONDITION: cannot update task that is not in scheduled state\.$/,
    (e) => isFailedPreconditionError(e) && e.message.includes("cannot update task that is not in scheduled state"),
  ],
  [/FAILED_PRECONDITION|is already paused|is not paused/, isFailedPreconditionError],
];

async function outcome(p: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

const opened: Redis[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((r) => r.quit()));
});

describe("Inspector mutations against Go's transitions", () => {
  it("covers every inspector mutation fixture", () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
    for (const f of files) expect(calls[loadTransition(f).operation.api], f).toBeDefined();
  });

  it.each(files.filter((f) => f !== "inspector_cancel_processing"))("%s", async (file) => {
    const tr = loadTransition(file);
    await loadDump(t.redis(), tr.before);
    const opMs = tr.timing.op_started_ms!;
    const clock = new SimulatedClock(opMs);
    const inspector = new Inspector(t.redis(), { clock });

    const got = await outcome(calls[tr.operation.api]!(inspector, tr.operation));

    const goError = tr.result.error as string | null | undefined;
    if (goError) {
      const rule = goErrors.find(([re]) => re.test(goError));
      expect(rule, `no mapping for Go error ${goError}`).toBeDefined();
      expect(rule![1](got.error), `Go said ${goError}; Vigil threw ${String(got.error)}`).toBe(true);
    } else {
      expect(got.error).toBeUndefined();
      if (typeof tr.result.value === "number") expect(got.value).toBe(tr.result.value);
    }
    const dump = await dumpRedis(t.redis(), opMs);
    expect(compareDumps(dump, tr.after, { opMs, expectedOpMs: opMs })).toEqual([]);
  });

  it("inspector_cancel_processing: publishes the id on asynq:cancel and changes nothing in Redis", async () => {
    const tr = loadTransition("inspector_cancel_processing");
    await loadDump(t.redis(), tr.before);
    const beforeMs = tr.before.meta.taken_at_unix_ms;
    const sub = t.redis().duplicate();
    opened.push(sub);
    const message = new Promise<[string, string]>((resolve) => sub.on("message", (ch, msg) => resolve([ch, msg])));
    await sub.subscribe(keys.cancelChannel);

    const inspector = new Inspector(t.redis(), { clock: new SimulatedClock(beforeMs) });
    await inspector.cancelProcessing(str(tr.operation, "id"));

    const lines = tr.result.pubsub_lines as string[];
    expect(await message).toEqual([lines[1], lines[2]]);
    // `after` shows the Go server's reaction (retry with "context canceled"); the publish itself writes nothing.
    const dump = await dumpRedis(t.redis(), beforeMs);
    expect(compareDumps(dump, tr.before, { opMs: beforeMs, expectedOpMs: beforeMs })).toEqual([]);
  });
});
