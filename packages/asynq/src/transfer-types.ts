// TaskRecord: one task exactly as stored (raw msg bytes and hash fields), for export and import.

/** A task as stored in Redis, for `Inspector.exportTasks` / `importTask` (payload and msg byte-exact). */
export interface TaskRecord {
  queue: string;
  id: string;
  /** The state it was exported from. */
  state: "pending" | "active" | "scheduled" | "retry" | "archived" | "completed" | "aggregating";
  /** Group name for aggregating tasks, else "". */
  group: string;
  /** The zset score (unix seconds) for scheduled/retry/archived/completed/aggregating; null for lists. */
  score: number | null;
  /** The raw TaskMessage bytes, or null when the hash is missing. */
  msg: Uint8Array | null;
  /** Every other hash field except msg and state (pending_since, unique_key, group, result), raw. */
  fields: Record<string, Uint8Array>;
  /** Set when the record could not be read whole; such records are exported for forensics but not imported. */
  corrupt?: string;
}
