// Cron monitoring in Redis for any scheduler (Go or Vigil): published entries plus the ones the monitor
// remembers (vigil:cron:known), their runs and outcomes, evaluated by internal/cron/monitor.ts; and "run now".
import type { CronEntryStatus, CronRun, CronStatusOptions } from "../../cron-types.js";
import { AsynqError, InvalidOptionError } from "../../errors.js";
import type { EnqueueOptions } from "../../options.js";
import { Client } from "../../client.js";
import { Task, type TaskInfo } from "../../task.js";
import { parseDuration } from "../base/duration.js";
import { DEFAULT_QUEUE } from "../base/enqueue-options.js";
import { encodeSchedulerEnqueueEvent } from "../base/info.js";
import * as keys from "../base/keys.js";
import { parseOptionStrings } from "../base/option-strings.js";
import type { Clock } from "../clock.js";
import { describeCronSpec } from "../cron/describe.js";
import { evaluateCronEntry, type ObservedRun } from "../cron/monitor.js";
import { loadZone } from "../cron/zone.js";
import { readEntryRuns, readRunFates, type EntryRun } from "./cron-monitor-runs.js";
import { readCronEntries, type KnownEntry } from "./cron-monitor-entries.js";
import { RedisSchedulerStore } from "./rdb-scheduler.js";
import { runScript, type RedisConnection } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Go's cap on one entry's enqueue history (spec §9.3). */
const GO_HISTORY_CAP = 1000;
/** Missed ticks listed per entry. */
const MISSED_TICKS_LISTED = 100;

interface Resolved {
  windowMs: number;
  graceMs: number;
  nextRuns: number;
  maxRuns: number;
  location: string;
}

function resolve(op: string, o: CronStatusOptions): Resolved {
  const windowMs = parseDuration(o.windowMs ?? "24h", "windowMs", op);
  const graceMs = parseDuration(o.graceMs ?? "60s", "graceMs", op);
  if (windowMs <= 0) throw new InvalidOptionError(op, "windowMs", o.windowMs, "a positive duration such as 24h");
  if (graceMs < 0) throw new InvalidOptionError(op, "graceMs", o.graceMs, "a duration of 0 or more, such as 60s");
  const int = (name: "nextRuns" | "maxRuns", v: number | undefined, dflt: number, min: number): number => {
    const n = v ?? dflt;
    if (!Number.isSafeInteger(n) || n < min || n > 10_000)
      throw new InvalidOptionError(op, name, v, `a whole number from ${min} to 10000`);
    return n;
  };
  const location = o.location ?? "UTC";
  const zone = loadZone(location);
  if (!zone.ok || !("zone" in zone))
    throw new InvalidOptionError(op, "location", location, "an IANA zone name such as UTC or Europe/Berlin");
  return {
    windowMs,
    graceMs,
    nextRuns: int("nextRuns", o.nextRuns, 5, 0),
    maxRuns: int("maxRuns", o.maxRuns, 100, 1),
    location,
  };
}

/** Queue an entry enqueues into: its `Queue(...)` option, else "default". */
function queueOf(options: EnqueueOptions): string {
  return options.queue ?? DEFAULT_QUEUE;
}

function inWords(spec: string, location: string): string {
  try {
    return describeCronSpec(spec, location === "UTC" ? {} : { location });
  } catch {
    return spec;
  }
}

async function pausedQueues(redis: RedisConnection, queues: readonly string[]): Promise<Set<string>> {
  const flags = await Promise.all(queues.map((q) => redis.exists(keys.pausedKey(q))));
  return new Set(queues.filter((_, i) => flags[i] === 1));
}

/**
 * Health of every cron entry: published ones (remembered in vigil:cron:known with first/last sight) and
 * remembered ones no scheduler publishes any more (scheduler-down, kept 7 days). Sorted by type, spec, id.
 */
export async function cronStatus(
  redis: RedisConnection,
  clock: Clock,
  options: CronStatusOptions = {},
): Promise<CronEntryStatus[]> {
  const o = resolve("inspector.cronStatus", options);
  const nowMs = clock.nowMs();
  const fromMs = nowMs - o.windowMs;
  const entries = await readCronEntries(redis, nowMs, true);
  const parsed = entries.map((e) => ({ e, options: parseOptionStrings(e.optionStrings).options }));
  const paused = await pausedQueues(redis, [...new Set(parsed.map((p) => queueOf(p.options)))]);
  const runsPerEntry = await Promise.all(entries.map((e) => readEntryRuns(redis, e.id, fromMs)));
  // Outcomes only for the newest maxRuns runs of each entry (they bound the listing and the failure count).
  const listed = runsPerEntry.map((runs, i) =>
    runs.slice(-o.maxRuns).map((r) => ({ ...r, queue: r.queue ?? queueOf(parsed[i]!.options) })),
  );
  const fates = await readRunFates(redis, listed.flat());
  return parsed
    .map(({ e, options: opts }, i) => {
      const queue = queueOf(opts);
      const withQueue = new Map(listed[i]!.map((r) => [r.taskId, r]));
      const observed: ObservedRun[] = runsPerEntry[i]!.map((r: EntryRun) => ({
        taskId: r.taskId,
        enqueuedMs: r.enqueuedMs,
        manual: r.manual,
        tickMs: r.tickMs,
        outcome: withQueue.has(r.taskId) ? fates.get(r.taskId)?.outcome : undefined,
      }));
      const ev = evaluateCronEntry(
        {
          spec: e.spec,
          location: o.location,
          nextMs: e.nextMs,
          prevMs: e.prevMs,
          firstSeenMs: e.firstSeenMs,
          live: e.live,
          queuePaused: paused.has(queue),
        },
        observed,
        { fromMs, nowMs, graceMs: o.graceMs, nextRuns: o.nextRuns },
      );
      const runs: CronRun[] = [...ev.runs, ...ev.manualRuns]
        .filter((r) => withQueue.has(r.taskId))
        .sort((a, b) => b.enqueuedMs - a.enqueuedMs)
        .map((r) => {
          const fate = fates.get(r.taskId);
          return {
            taskId: r.taskId,
            queue: withQueue.get(r.taskId)!.queue,
            enqueuedAt: new Date(r.enqueuedMs),
            tickAt: r.tickMs === null ? null : new Date(r.tickMs),
            manual: r.manual,
            timing: r.timing,
            delayMs: r.tickMs === null ? null : r.enqueuedMs - r.tickMs,
            outcome: fate?.outcome ?? "gone-presumed-success",
            durationMs: fate?.durationMs ?? null,
            error: fate?.error ?? "",
          };
        });
      return {
        id: e.id,
        spec: e.spec,
        specInWords: inWords(e.spec, o.location),
        taskType: e.taskType,
        payload: e.payload,
        options: opts,
        optionStrings: e.optionStrings,
        queue,
        schedulerId: e.schedulerId,
        live: e.live,
        status: ev.status,
        nextRuns: ev.nextRunsMs.map((ms) => new Date(ms)),
        lastEnqueuedAt: ev.lastEnqueueMs === null ? null : new Date(ev.lastEnqueueMs),
        expected: ev.expected,
        actual: ev.actual,
        onTime: ev.onTime,
        late: ev.late,
        missed: ev.missed,
        unmatched: ev.unmatched,
        missedTicks: ev.ticks
          .filter((t) => t.verdict === "missed")
          .slice(-MISSED_TICKS_LISTED)
          .reverse()
          .map((t) => new Date(t.tickMs)),
        runs,
        consecutiveFailures: ev.consecutiveFailures,
        firstSeenAt: new Date(e.firstSeenMs),
        lastSeenAt: new Date(e.lastSeenMs),
        specError: ev.specError,
        warnings: ev.warnings,
      } satisfies CronEntryStatus;
    })
    .sort((a, b) => cmp(a.taskType, b.taskType) || cmp(a.spec, b.spec) || cmp(a.id, b.id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Enqueues a cron entry's task now (a published entry, or one the monitor remembers) with its parsed
 * options, and records the run as a tick would: in Go's history (so Go tools see it) and in Vigil's run log
 * with `manual: true` (so the monitor never counts it as a tick). Returns the new task.
 */
export async function runCronEntryNow(redis: RedisConnection, clock: Clock, entryId: string): Promise<TaskInfo> {
  const op = "inspector.runCronEntryNow";
  const entry: KnownEntry | undefined = (await readCronEntries(redis, clock.nowMs(), false)).find(
    (e) => e.id === entryId,
  );
  if (!entry)
    throw new AsynqError(
      op,
      "NOT_FOUND",
      `${op}: no cron entry with id ${JSON.stringify(entryId)} is published or remembered (see cronStatus)`,
    );
  const { options } = parseOptionStrings(entry.optionStrings);
  const payload = entry.payload.length === 0 ? null : entry.payload; // Go stores a nil payload as empty bytes
  const info = await new Client(redis, { clock }).enqueue(new Task(entry.taskType, payload), options);
  const at = clock.nowMs();
  const event = encodeSchedulerEnqueueEvent({ taskId: info.id, enqueueTime: new Date(at) });
  await runScript(
    redis,
    scripts.recordSchedulerEvent,
    [keys.schedulerHistoryKey(entryId)],
    [Math.floor(at / 1000), event, GO_HISTORY_CAP],
  );
  await new RedisSchedulerStore(redis).recordRun(entryId, {
    taskId: info.id,
    queue: info.queue,
    tickMs: null,
    enqueuedMs: at,
    manual: true,
  });
  return info;
}
