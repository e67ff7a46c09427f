// Scheduler options, their defaults and their validation (resolved once in the constructor).
import { hostname } from "node:os";
import { pino, type Logger } from "pino";
import { InvalidOptionError } from "./errors.js";
import type { Duration } from "./options.js";
import type { TaskInfo, Task } from "./task.js";
import type { EnqueueOptions } from "./options.js";
import { type Clock, systemClock } from "./internal/clock.js";
import { parseDuration } from "./internal/base/duration.js";
import { loadZone } from "./internal/cron/zone.js";

/** What to do with ticks that passed while no scheduler was running. */
export type MissedRunPolicy = "skip" | "catch-up";

/** An entry as hooks see it. */
export interface SchedulerEntryRef {
  id: string;
  spec: string;
  task: Task;
}

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  /** IANA zone cron specs run in, unless a spec has a `TZ=`/`CRON_TZ=` prefix. @defaultValue "UTC" */
  location?: string;
  /** How often entries are published (the list's TTL is twice this). @defaultValue "10s" (Go v0.25.1+) */
  heartbeatInterval?: Duration;
  /** Called before each enqueue; throwing skips that run (logged). */
  preEnqueue?: (entry: SchedulerEntryRef) => void | Promise<void>;
  /** Called after each enqueue attempt with the task or the error. */
  postEnqueue?: (entry: SchedulerEntryRef, info: TaskInfo | null, error: Error | null) => void | Promise<void>;
  /**
   * Run several replicas as one: only the holder of a Redis lease fires and publishes entries; another replica
   * takes over within `leaseMs` when it dies. `group` names the replica set. @defaultValue off
   */
  highAvailability?: boolean | { group?: string; leaseMs?: number };
  /** Default missed-run policy of entries: "skip" (Go's behaviour) or "catch-up" (run once after downtime). */
  missedRuns?: MissedRunPolicy;
  /**
   * When a replica becomes leader, a tick that passed at most this long ago and that no replica fired is
   * fired at once (so a leader change never loses a tick). @defaultValue "60s"
   */
  takeoverWindow?: Duration;
  /** A pino logger; @defaultValue pino to stdout, name "vigil-scheduler" */
  logger?: Logger;
  clock?: Clock;
}

/** Per-entry settings given to `register`. */
export interface EntrySettings {
  /** Overrides the scheduler's missed-run policy for this entry. */
  missedRuns?: MissedRunPolicy;
}

/** Options after defaults and validation. */
export interface ResolvedSchedulerOptions {
  readonly location: string;
  readonly heartbeatMs: number;
  readonly preEnqueue: SchedulerOptions["preEnqueue"];
  readonly postEnqueue: SchedulerOptions["postEnqueue"];
  readonly ha: { readonly group: string; readonly leaseMs: number } | null;
  readonly missedRuns: MissedRunPolicy;
  readonly takeoverWindowMs: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly host: string;
}

const OP = "scheduler.options";

/** Checks a missed-run policy value. */
export function checkPolicy(v: unknown, field: string): MissedRunPolicy {
  if (v !== "skip" && v !== "catch-up") throw new InvalidOptionError(OP, field, v, '"skip" or "catch-up"');
  return v;
}

/** Resolves defaults and validates; throws InvalidOptionError naming the field. */
export function resolveSchedulerOptions(o: SchedulerOptions = {}): ResolvedSchedulerOptions {
  const known = [
    "location",
    "heartbeatInterval",
    "preEnqueue",
    "postEnqueue",
    "highAvailability",
    "missedRuns",
    "takeoverWindow",
    "logger",
    "clock",
  ];
  for (const k of Object.keys(o))
    if (!known.includes(k))
      throw new InvalidOptionError(OP, k, (o as Record<string, unknown>)[k], `one of ${known.join(", ")}`);
  const location = o.location ?? "UTC";
  const zone = loadZone(location);
  if (!zone.ok)
    throw new InvalidOptionError(OP, "location", location, "an IANA time zone such as UTC or Asia/Ho_Chi_Minh");
  const heartbeatMs = parseDuration(o.heartbeatInterval ?? "10s", "heartbeatInterval", OP);
  if (heartbeatMs < 1000) throw new InvalidOptionError(OP, "heartbeatInterval", o.heartbeatInterval, "at least 1s");
  let ha: ResolvedSchedulerOptions["ha"] = null;
  if (o.highAvailability) {
    const h = o.highAvailability === true ? {} : o.highAvailability;
    const leaseMs = h.leaseMs ?? 5000;
    if (!Number.isInteger(leaseMs) || leaseMs < 1000)
      throw new InvalidOptionError(OP, "highAvailability.leaseMs", h.leaseMs, "whole milliseconds >= 1000");
    const group = h.group ?? "default";
    if (!group.trim()) throw new InvalidOptionError(OP, "highAvailability.group", group, "a non-blank name");
    ha = { group, leaseMs };
  }
  for (const hook of ["preEnqueue", "postEnqueue"] as const)
    if (o[hook] !== undefined && typeof o[hook] !== "function")
      throw new InvalidOptionError(OP, hook, o[hook], "a function");
  return {
    location,
    heartbeatMs,
    preEnqueue: o.preEnqueue,
    postEnqueue: o.postEnqueue,
    ha,
    missedRuns: checkPolicy(o.missedRuns ?? "skip", "missedRuns"),
    takeoverWindowMs: parseDuration(o.takeoverWindow ?? "60s", "takeoverWindow", OP),
    logger: o.logger ?? pino({ name: "vigil-scheduler" }),
    clock: o.clock ?? systemClock,
    host: hostname() || "unknown-host",
  };
}

/** Options given to `register` that are stored as Go option strings. */
export type RegisterOptions = EnqueueOptions;
