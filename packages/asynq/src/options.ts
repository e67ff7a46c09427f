// Enqueue options (spec §5.1): what callers may pass to Client.enqueue and Task. Resolution lives in the client.

/** A duration: milliseconds, or a string such as "30s", "1h30m", "500ms". */
export type Duration = number | string;

/** Options of one enqueue. Later values win: Task options, then the enqueue call's options. */
export interface EnqueueOptions {
  /** Queue name. @defaultValue "default" */
  queue?: string;
  /** Max retry count; negative becomes 0. @defaultValue 25 */
  maxRetry?: number;
  /** Per-attempt timeout. Whole seconds are stored; 0 = none. @defaultValue 30m when no deadline is given */
  timeout?: Duration;
  /** Absolute deadline (Date, epoch ms or ISO string). */
  deadline?: Date | number | string;
  /** Run at this time (Date, epoch ms or ISO string); in the future it makes the task scheduled. */
  processAt?: Date | number | string;
  /** Run after this delay; the later of processAt/processIn given wins. */
  processIn?: Duration;
  /** Uniqueness lock TTL (at least 1 s): a second task with the same queue, type and payload is refused. */
  unique?: Duration;
  /** Custom task id; must be non-blank. @defaultValue a random UUID v4 */
  taskId?: string;
  /** How long to keep the task as completed after success. @defaultValue 0 (deleted on success) */
  retention?: Duration;
  /** Aggregation group; the task waits as aggregating until its group is aggregated. */
  group?: string;
  /** Headers to add to the task's own (these win on equal names). */
  headers?: Record<string, string>;
}
