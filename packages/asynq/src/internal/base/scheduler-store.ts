// What a Scheduler needs from storage beyond Go's keys: the HA leader lease, per-tick claims and its durable
// run log (vigil:cron:*). An interface so tests can wrap the Redis store to simulate outages.

/** One enqueue made by a cron entry, as kept in Vigil's durable run log. */
export interface CronRunRecord {
  taskId: string;
  queue: string;
  /** The tick this run was for (epoch ms), or null for a manual run. */
  tickMs: number | null;
  /** When the task was enqueued (epoch ms). */
  enqueuedMs: number;
  /** True for "run now" (not counted as a tick). */
  manual: boolean;
}

/** Storage for scheduler coordination. */
export interface SchedulerStore {
  /** Takes or renews the group's leader lease; true when this scheduler holds it. */
  acquireLeadership(group: string, schedulerId: string, leaseMs: number): Promise<boolean>;
  /** Releases the lease if held. */
  releaseLeadership(group: string, schedulerId: string): Promise<void>;
  /**
   * Claims one tick of one entry for `owner` (`<schedulerId> <taskId>`: who fires it, and the id the task will
   * get); true for exactly one caller per (entry, tick).
   */
  claimTick(entryId: string, tickMs: number, owner: string): Promise<boolean>;
  /** The owner string of a tick's claim, or null. */
  tickClaim(entryId: string, tickMs: number): Promise<string | null>;
  /** Replaces a claim held by `previousOwner` with `owner` (compare-and-set); false when it changed meanwhile. */
  takeOverTick(entryId: string, tickMs: number, previousOwner: string, owner: string): Promise<boolean>;
  /** True when task `taskId` exists in `queue`, or the entry's enqueue history names it (the tick did fire). */
  tickFired(entryId: string, queue: string, taskId: string): Promise<boolean>;
  /** Appends to the entry's durable run log (capped) and records its last tick. */
  recordRun(entryId: string, run: CronRunRecord): Promise<void>;
  /** Last tick (epoch ms) each entry fired for, when known. */
  lastFires(entryIds: readonly string[]): Promise<Map<string, number>>;
}
