// Server options of Vigil's additions beyond Go (task logs, checkpoints, run history, shared rate limits),
// with their defaults, resolved and validated once into ResolvedServerExtras by resolveServerOptions.
import { InvalidOptionError } from "./errors.js";
import { parseDuration } from "./internal/base/duration.js";
import type { Duration } from "./options.js";
import type { RateLimit } from "./task-extras-types.js";

/** Options of the Vigil additions; part of {@link ServerOptions}. */
export interface ServerExtrasOptions {
  /** Per-task logs written with `ctx.log(...)`. */
  taskLogs?: {
    /** Lines kept per task; older lines are dropped. @defaultValue 1000 */
    maxLines?: number;
    /** How long a task's log is kept after its last line. @defaultValue "168h" (7 days) */
    ttl?: Duration;
    /** Longest a logged line waits in memory before it is written (lines of all tasks go in one round trip). @defaultValue "100ms" */
    flushInterval?: Duration;
  };
  /** How long a checkpoint (`ctx.checkpoint(state)`) is kept after it was saved. @defaultValue "168h" (7 days) */
  checkpointTtl?: Duration;
  /** Run history of every finished attempt per queue (`inspector.runHistory`); `false` turns it off. */
  runHistory?:
    | false
    | {
        /** Newest records kept per queue. @defaultValue 10000 */
        maxEntries?: number;
        /** Records older than this are dropped. @defaultValue "168h" (7 days) */
        retention?: Duration;
      };
  /** Rate limits shared by all Vigil servers through Redis (Go workers ignore them). @defaultValue [] */
  rateLimits?: RateLimit[];
}

/** A validated rate limit; `key` identifies it in logs. */
export interface ResolvedRateLimit {
  readonly queue: string | undefined;
  readonly taskType: string | undefined;
  readonly limit: number;
  readonly perMs: number;
  /** `queue=<q>`, `type=<t>` or `queue=<q> type=<t>`. */
  readonly name: string;
}

/** {@link ServerExtrasOptions} after defaults and validation; durations in milliseconds. */
export interface ResolvedServerExtras {
  readonly taskLogMaxLines: number;
  readonly taskLogTtlMs: number;
  readonly taskLogFlushMs: number;
  readonly checkpointTtlMs: number;
  /** null when run history is off. */
  readonly runHistory: { readonly maxEntries: number; readonly retentionMs: number } | null;
  readonly rateLimits: readonly ResolvedRateLimit[];
}

/** Names of the extras options, for the unknown-option check of resolveServerOptions. */
export const EXTRAS_OPTION_NAMES = ["taskLogs", "checkpointTtl", "runHistory", "rateLimits"] as const;

const OP = "server.options";
const WEEK_MS = 7 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

function int(name: string, v: unknown, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidOptionError(OP, name, v, `an integer from ${min} to ${max}`);
  }
  return v;
}

function dur(name: string, v: Duration | undefined, fallback: number, min: number, max = 365 * DAY_MS): number {
  if (v === undefined) return fallback;
  const ms = parseDuration(v, name, OP);
  if (ms < min || ms > max) throw new InvalidOptionError(OP, name, v, `a duration from ${min} ms to ${max} ms`);
  return Math.ceil(ms);
}

function object<T>(name: string, v: T | undefined): T | undefined {
  if (v !== undefined && (v === null || typeof v !== "object" || Array.isArray(v))) {
    throw new InvalidOptionError(OP, name, v, "an object");
  }
  return v;
}

function name(field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.trim() === "") throw new InvalidOptionError(OP, field, v, "a non-blank string");
  return v;
}

function resolveRateLimits(v: unknown): ResolvedRateLimit[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    throw new InvalidOptionError(
      OP,
      "rateLimits",
      v,
      'an array such as [{ taskType: "email", limit: 500, per: "1s" }]',
    );
  }
  const seen = new Set<string>();
  return v.map((r: unknown, i): ResolvedRateLimit => {
    const at = `rateLimits[${i}]`;
    if (r === null || typeof r !== "object" || Array.isArray(r)) throw new InvalidOptionError(OP, at, r, "an object");
    const o = r as Partial<RateLimit>;
    const queue = name(`${at}.queue`, o.queue);
    const taskType = name(`${at}.taskType`, o.taskType);
    if (queue === undefined && taskType === undefined) {
      throw new InvalidOptionError(OP, at, r, "a limit naming a queue, a taskType or both");
    }
    if (o.limit === undefined) throw new InvalidOptionError(OP, `${at}.limit`, o.limit, "an integer from 1 to 100000");
    const limit = int(`${at}.limit`, o.limit, 1, 100_000, 1);
    if (o.per === undefined) throw new InvalidOptionError(OP, `${at}.per`, o.per, 'a duration such as "1s"');
    const perMs = dur(`${at}.per`, o.per, 1000, 1, DAY_MS);
    const label = [queue !== undefined ? `queue=${queue}` : "", taskType !== undefined ? `type=${taskType}` : ""]
      .filter(Boolean)
      .join(" ");
    if (seen.has(label)) throw new InvalidOptionError(OP, at, r, `one limit per scope (${label} is given twice)`);
    seen.add(label);
    return Object.freeze({ queue, taskType, limit, perMs, name: label });
  });
}

/** Applies defaults and validates the extras options; throws {@link InvalidOptionError} naming the bad field. */
export function resolveServerExtras(o: ServerExtrasOptions): ResolvedServerExtras {
  const logs = object("taskLogs", o.taskLogs) ?? {};
  const h = o.runHistory;
  if (h !== undefined && h !== false && (h === null || typeof h !== "object" || Array.isArray(h))) {
    throw new InvalidOptionError(OP, "runHistory", h, "false or an object { maxEntries?, retention? }");
  }
  const history = h === false ? false : (h ?? {});
  return Object.freeze({
    taskLogMaxLines: int("taskLogs.maxLines", logs.maxLines, 1, 100_000, 1000),
    taskLogTtlMs: dur("taskLogs.ttl", logs.ttl, WEEK_MS, 1000),
    taskLogFlushMs: dur("taskLogs.flushInterval", logs.flushInterval, 100, 1, 60_000),
    checkpointTtlMs: dur("checkpointTtl", o.checkpointTtl, WEEK_MS, 1000),
    runHistory:
      history === false
        ? null
        : Object.freeze({
            maxEntries: int("runHistory.maxEntries", history.maxEntries, 1, 10_000_000, 10_000),
            retentionMs: dur("runHistory.retention", history.retention, WEEK_MS, 1000),
          }),
    rateLimits: Object.freeze(resolveRateLimits(o.rateLimits)),
  });
}
