// Public types of Inspector.search: the query, the call options and one call's result.
// Search is a Vigil addition (Go asynq has none); see internal/rdb/search.ts for the scan itself.
import type { CorruptTaskInfo, TaskInfo } from "./task.js";

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What to look for among the tasks of one queue and state. Every given field must match (AND);
 * an empty query matches every task.
 */
export interface SearchQuery {
  /** Exact task type, e.g. `email:welcome`. */
  type?: string;
  /** Task type prefix, e.g. `email:`. */
  typePrefix?: string;
  /** Substring of the payload, compared byte-wise: a string is matched as its UTF-8 bytes; raw bytes match any payload, UTF-8 or not. */
  payloadContains?: string | Uint8Array;
  /**
   * A JSON payload whose value at `path` (dot-separated keys, numeric segments index arrays, e.g.
   * `user.id` or `items.0.sku`) equals `equals` (deep equality). A string `equals` also matches a number,
   * boolean or null whose JSON text is that string (so `"42"` matches `42`). Non-JSON payloads never match.
   */
  json?: { path: string; equals: JsonValue };
  /** Substring of the last error text (case-sensitive). */
  errorContains?: string;
  /**
   * Earliest state time to include (Date or epoch ms), inclusive. The state time is: pending → when it
   * became pending (`pending_since`; tasks without one never match a time range); scheduled, retry →
   * next process time; archived → when it was archived; completed → completion time; aggregating → when
   * it was added to the group. Active tasks have no state time (a range is rejected).
   */
  from?: Date | number;
  /** Latest state time to include (Date or epoch ms), inclusive. See {@link SearchQuery.from}. */
  to?: Date | number;
  /** Aggregating only: search this group. @defaultValue every group in the queue's groups set, by name */
  group?: string;
  /**
   * Report task records that cannot be read (missing hash, undecodable msg) as matches, since no filter can
   * rule them out. @defaultValue true
   */
  includeCorrupt?: boolean;
}

/** Options of one search call. */
export interface SearchOptions {
  /** `nextCursor` of the previous call with the same queue, state and query; absent to start. */
  cursor?: string | null;
  /** Most tasks examined by this call (1..1,000,000). @defaultValue 2000 */
  budget?: number;
}

/** One search call's result. */
export interface SearchResult {
  /** Matching tasks in scan order (oldest first for lists, ascending state time for zsets). */
  matches: (TaskInfo | CorruptTaskInfo)[];
  /** Pass to the next call to continue; null when the scan reached the end. */
  nextCursor: string | null;
  /** Tasks examined by this call (≤ budget). */
  scanned: number;
  /** Tasks in the searched state (within the time range when it narrows a zset), as of this call. */
  total: number;
}
