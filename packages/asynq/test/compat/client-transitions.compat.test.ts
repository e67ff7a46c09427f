// Every Go Client.Enqueue transition fixture, replayed with Vigil's Client: the Redis state after the
// enqueue must match Go's `after` (normalised per transitions/README.md), and the result Go's `result`.
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "../../src/client.js";
import { DuplicateTaskError, TaskIdConflictError } from "../../src/errors.js";
import * as keys from "../../src/internal/base/keys.js";
import type { EnqueueOptions } from "../../src/options.js";
import { Task, type TaskInfo } from "../../src/task.js";
import { compareDumps } from "../support/compare-dump.js";
import { loadTransition, transitionFiles, type Transition } from "../support/fixtures.js";
import { useTestRedis } from "../support/redis.js";
import { dumpRedis, loadDump, type DumpBytes } from "../support/scene.js";

const t = useTestRedis();
const files = transitionFiles("client_enqueue_");
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

const DAY_MS = 86_400_000;

/** A fixture time: absolute when far from Go's operation, else shifted to the same offset from our `nowMs`. */
function fixtureTime(iso: string, tr: Transition, nowMs: number): Date {
  const ms = Date.parse(iso);
  const goOp = tr.timing.op_started_ms!;
  return Math.abs(ms - goOp) < DAY_MS ? new Date(nowMs + (ms - goOp)) : new Date(ms);
}

/** Go option strings (`operation.options`) → Vigil enqueue options. Durations go in as Go strings. */
function translateOptions(tr: Transition, nowMs: number): EnqueueOptions {
  const out: EnqueueOptions = {};
  for (const { option, value } of tr.operation.options as { option: string; value: unknown }[]) {
    const name = option.slice(0, option.indexOf("("));
    const duration = (): string => (value as { duration: string }).duration;
    switch (name) {
      case "Queue":
        out.queue = value as string;
        break;
      case "MaxRetry":
        out.maxRetry = value as number;
        break;
      case "Timeout":
        out.timeout = duration();
        break;
      case "Deadline":
        out.deadline = fixtureTime(value as string, tr, nowMs);
        break;
      case "ProcessIn":
        out.processIn = duration();
        break;
      case "ProcessAt":
        out.processAt = fixtureTime(value as string, tr, nowMs);
        break;
      case "Unique":
        out.unique = duration();
        break;
      case "TaskID":
        out.taskId = value as string;
        break;
      case "Retention":
        out.retention = duration();
        break;
      case "Group":
        out.group = value as string;
        break;
      default:
        throw new Error(`fixture option ${option} is not translated`);
    }
  }
  return out;
}

function payloadOf(p: unknown): Uint8Array | null {
  if (p === null) return null;
  if (typeof p === "string") return Buffer.from(p, "utf8");
  return Buffer.from((p as { base64: string }).base64, "base64");
}

function fixtureBytes(v: DumpBytes | null): string {
  if (v === null) return "";
  return (typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.from(v.base64, "base64")).toString("base64");
}

/** Compares a returned TaskInfo with Go's `result.task_info` (times ±2 s, relative near the operation). */
function checkTaskInfo(info: TaskInfo, want: Record<string, unknown>, tr: Transition, opMs: number): void {
  const userId = (tr.operation.options as { option: string }[]).some((o) => o.option.startsWith("TaskID("));
  if (userId) expect(info.id).toBe(want.id);
  else expect(info.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect({
    queue: info.queue,
    type: info.type,
    payload: Buffer.from(info.payload).toString("base64"),
    headers: Object.keys(info.headers).length ? info.headers : null,
    state: info.state,
    max_retry: info.maxRetry,
    retried: info.retried,
    last_err: info.lastErr,
    timeout_seconds: info.timeoutSeconds,
    retention_seconds: info.retentionSeconds,
    group: info.group,
    is_orphaned: info.isOrphaned,
    result: info.result,
    completed_at: info.completedAt,
    last_failed_at: info.lastFailedAt,
  }).toEqual({
    queue: want.queue,
    type: want.type,
    payload: fixtureBytes(want.payload as DumpBytes | null),
    headers: want.headers,
    state: want.state,
    max_retry: want.max_retry,
    retried: want.retried,
    last_err: want.last_err,
    timeout_seconds: want.timeout_seconds,
    retention_seconds: want.retention_seconds,
    group: want.group,
    is_orphaned: want.is_orphaned,
    result: want.result,
    completed_at: want.completed_at,
    last_failed_at: want.last_failed_at,
  });
  for (const [field, got] of [
    ["deadline", info.deadline],
    ["next_process_at", info.nextProcessAt],
  ] as const) {
    const w = want[field] as string | null;
    if (w === null) {
      expect(got, field).toBeNull();
      continue;
    }
    expect(got, field).not.toBeNull();
    const expected = fixtureTime(w, tr, opMs).getTime();
    expect(Math.abs(got!.getTime() - expected), `${field}: ${got!.toISOString()} vs ${w}`).toBeLessThanOrEqual(2000);
  }
}

describe("Client.enqueue replays Go's client_enqueue_* transitions", () => {
  it("has the fixtures", () => {
    expect(files.length).toBeGreaterThanOrEqual(26);
  });

  it.each(files)("%s", async (file) => {
    const tr = loadTransition(file);
    expect(tr.operation.api).toBe("Client.Enqueue");
    await loadDump(t.redis(), tr.before);
    const client = new Client(t.connection());
    clients.push(client);

    const opMs = Date.now();
    const headers = (tr.operation.headers as Record<string, string> | null) ?? {};
    const task = new Task(tr.operation.task_type as string, payloadOf(tr.operation.payload), {}, headers);
    let info: TaskInfo | undefined;
    let error: unknown;
    try {
      info = await client.enqueue(task, translateOptions(tr, opMs));
    } catch (e) {
      error = e;
    }

    // client_enqueue_after_queue_deleted: v0.24.1 re-adds the queue to asynq:queues, v0.26.0 (per-process
    // SADD cache) does not. Vigil chooses v0.24.1's behaviour (SADD before every enqueue, spec P14), so for
    // the v0.26.0 variant the key is checked to hold the queue, then left out of the comparison.
    const actual = await dumpRedis(t.redis());
    if (file === "client_enqueue_after_queue_deleted.v0.26.0") {
      expect(tr.after.keys[keys.allQueues]).toBeUndefined();
      expect(await t.redis().smembers(keys.allQueues)).toEqual(["default"]);
      delete actual.keys[keys.allQueues];
    }
    expect(compareDumps(actual, tr.after, { opMs, expectedOpMs: tr.timing.op_started_ms! })).toEqual([]);

    const result = tr.result as { error: string | null; error_is?: string; task_info: Record<string, unknown> | null };
    if (result.error !== null) {
      expect(info).toBeUndefined();
      const cls = { "asynq.ErrTaskIDConflict": TaskIdConflictError, "asynq.ErrDuplicateTask": DuplicateTaskError }[
        result.error_is!
      ];
      expect(cls, `error class for ${result.error_is}`).toBeDefined();
      expect(error).toBeInstanceOf(cls!);
      expect((error as Error).message).toContain(result.error);
      return;
    }
    expect(error).toBeUndefined();
    checkTaskInfo(info!, result.task_info!, tr, opMs);
  });
});
