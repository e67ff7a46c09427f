// Scheduler: enqueues tasks on cron specs and publishes its entries and enqueue events exactly as Go asynq's
// scheduler does, so Go's Inspector and asynqmon show it. Beyond Go: replicas fire each tick once (tick claims,
// optional leader lease with takeover), a catch-up policy for downtime, and a durable run log for monitoring.
import { createHash, randomUUID } from "node:crypto";
import { Client } from "./client.js";
import { isDuplicateTaskError, InvalidOptionError } from "./errors.js";
import type { EnqueueOptions } from "./options.js";
import { connect, type RedisConnectionOption } from "./redis-options.js";
import {
  checkPolicy,
  resolveSchedulerOptions,
  type EntrySettings,
  type MissedRunPolicy,
  type ResolvedSchedulerOptions,
  type SchedulerEntryRef,
  type SchedulerOptions,
} from "./scheduler-options.js";
import type { Task, TaskInfo } from "./task.js";
import type { Broker } from "./internal/base/broker.js";
import { formatOptionStrings } from "./internal/base/option-format.js";
import type { SchedulerStore } from "./internal/base/scheduler-store.js";
import { parseCronSpec, type CronSchedule } from "./internal/cron/cron-spec.js";
import { nextTick, ticksBetween } from "./internal/cron/fire.js";
import { RedisBroker } from "./internal/rdb/rdb.js";
import { RedisSchedulerStore } from "./internal/rdb/rdb-scheduler.js";
import type { Cluster, Redis } from "ioredis";

interface Entry {
  id: string;
  spec: string;
  schedule: CronSchedule;
  task: Task;
  options: EnqueueOptions;
  optionStrings: string[];
  policy: MissedRunPolicy;
  nextMs: number | null;
  prevMs: number | null;
}

/** What one firing did (returned by {@link Scheduler.runDue} for tests and tools). */
export interface FireResult {
  entryId: string;
  tickMs: number;
  /** "enqueued", or why not: another replica claimed the tick, not the leader, a hook refused, or an error. */
  outcome: "enqueued" | "claimed-elsewhere" | "not-leader" | "skipped" | "failed";
  taskId?: string;
  error?: string;
}

/** A stable entry id: a UUID-shaped digest of spec, type, payload and option strings (same on every replica). */
export function entryIdOf(spec: string, task: Task, optionStrings: readonly string[]): string {
  const h = createHash("sha256");
  h.update(spec)
    .update("\0")
    .update(task.type)
    .update("\0")
    .update(task.payload ?? new Uint8Array())
    .update("\0");
  for (const s of [...optionStrings].sort()) h.update(s).update("\0");
  const hex = h.digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Enqueues tasks on cron specs (robfig/cron syntax, as Go asynq).
 *
 * @example
 * const scheduler = new Scheduler("redis://127.0.0.1:6379", { location: "Asia/Ho_Chi_Minh" });
 * scheduler.register("0 2 * * *", new Task("snapshot_daily", { kind: "daily" }), { queue: "low" });
 * await scheduler.start();
 */
export class Scheduler {
  /** `host:pid:uuid`, as Go names schedulers. */
  readonly id: string;
  private readonly o: ResolvedSchedulerOptions;
  private readonly redis: Redis | Cluster;
  private readonly owned: boolean;
  private readonly broker: Broker;
  private readonly store: SchedulerStore;
  private readonly client: Client;
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private beatTimer: NodeJS.Timeout | undefined;
  private running = false;
  private leader = false;
  private firing: Promise<unknown> = Promise.resolve();

  /** Connects to Redis; nothing runs until {@link start}. */
  constructor(connection: RedisConnectionOption, options: SchedulerOptions = {}) {
    this.o = resolveSchedulerOptions(options);
    const c = connect(connection);
    this.redis = c.redis;
    this.owned = c.owned;
    this.id = `${this.o.host}:${process.pid}:${randomUUID()}`;
    this.broker = new RedisBroker(this.redis, { clock: this.o.clock });
    this.store = new RedisSchedulerStore(this.redis);
    this.client = new Client(this.redis, { clock: this.o.clock });
  }

  /**
   * Registers a cron entry and returns its id. The spec is checked now: a bad spec throws a CronSpecError that
   * names the field and the reason. `options` are the enqueue options (also published as Go option strings).
   */
  register(spec: string, task: Task, options: EnqueueOptions = {}, settings: EntrySettings = {}): string {
    const schedule = parseCronSpec(spec, { location: this.o.location });
    // Go publishes no time zone, so a spec that relies on the scheduler's location is published with an
    // explicit CRON_TZ= prefix (valid for Go too, same meaning): every reader then knows when it fires.
    if (schedule.kind === "cron" && !schedule.zoneFromSpec && schedule.location !== "UTC")
      spec = `CRON_TZ=${schedule.location} ${spec}`;
    const optionStrings = formatOptionStrings(options);
    const id = entryIdOf(spec, task, optionStrings);
    if (this.entries.has(id))
      throw new InvalidOptionError(
        "scheduler.register",
        "entry",
        spec,
        `an entry not already registered (same spec, task and options as ${id})`,
      );
    const now = this.o.clock.nowMs();
    this.entries.set(id, {
      id,
      spec,
      schedule,
      task,
      options: { ...options },
      optionStrings,
      policy: checkPolicy(settings.missedRuns ?? this.o.missedRuns, "missedRuns"),
      nextMs: nextTick(schedule, now, null, this.o.ha !== null),
      prevMs: null,
    });
    if (this.running) this.arm();
    return id;
  }

  /** Removes an entry; false when there was none with that id. */
  unregister(id: string): boolean {
    const had = this.entries.delete(id);
    if (this.running) this.arm();
    return had;
  }

  /** Ids of the registered entries. */
  entryIds(): string[] {
    return [...this.entries.keys()];
  }

  /** True when this replica currently fires (always true without high availability once started). */
  isLeader(): boolean {
    return this.leader;
  }

  /** Starts firing and heartbeating. Resolves once the first heartbeat and any catch-up runs are done. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.heartbeat();
    this.arm();
    this.beatTimer = setInterval(() => void this.heartbeat(), this.beatInterval());
  }

  private beatInterval(): number {
    return this.o.ha
      ? Math.min(this.o.heartbeatMs, Math.max(500, Math.floor(this.o.ha.leaseMs / 3)))
      : this.o.heartbeatMs;
  }

  /** One heartbeat: (HA) renew or take the lease; publish entries when firing; catch up on becoming leader. */
  async heartbeat(): Promise<void> {
    const log = this.o.logger;
    try {
      const wasLeader = this.leader;
      this.leader = this.o.ha ? await this.store.acquireLeadership(this.o.ha.group, this.id, this.o.ha.leaseMs) : true;
      if (this.leader && !wasLeader) {
        if (this.o.ha) log.info({ scheduler: this.id, group: this.o.ha.group }, "scheduler became leader");
        await this.recover();
      }
      if (this.leader) await this.publishEntries();
      else if (wasLeader) {
        log.warn({ scheduler: this.id }, "scheduler lost leadership");
        await this.broker.clearSchedulerEntries(this.id, []);
      }
    } catch (e) {
      log.error({ err: e, scheduler: this.id }, "scheduler heartbeat failed; will retry");
    }
  }

  private async publishEntries(): Promise<void> {
    const ttl = Math.ceil((2 * this.o.heartbeatMs) / 1000);
    await this.broker.writeSchedulerEntries(
      this.id,
      [...this.entries.values()].map((e) => ({
        id: e.id,
        spec: e.spec,
        taskType: e.task.type,
        taskPayload: e.task.payload ?? new Uint8Array(),
        enqueueOptions: e.optionStrings,
        nextEnqueueTime: e.nextMs === null ? null : new Date(e.nextMs),
        prevEnqueueTime: e.prevMs === null ? null : new Date(e.prevMs),
      })),
      ttl,
    );
  }

  /**
   * On start or takeover: fire ticks that passed unfired. With high availability every tick of the takeover
   * window after the last recorded fire is fired (tick claims drop the ones the old leader did fire); with the
   * catch-up policy the newest tick missed since the last recorded fire runs once.
   */
  private async recover(): Promise<void> {
    const now = this.o.clock.nowMs();
    const last = await this.store.lastFires([...this.entries.keys()]);
    const align = this.o.ha !== null;
    for (const e of this.entries.values()) {
      const lastFire = last.get(e.id);
      const due: number[] = [];
      if (this.o.ha && lastFire !== undefined) {
        // Only ticks after the group's last fire: a brand-new entry has nothing to make up for.
        const from = Math.max(now - this.o.takeoverWindowMs, lastFire);
        due.push(...ticksBetween(e.schedule, from, now, 1000, align));
      }
      if (e.policy === "catch-up" && lastFire !== undefined && due.length === 0) {
        const missed = ticksBetween(e.schedule, lastFire, now, 1, align);
        if (missed.length) {
          this.o.logger.info(
            { entryId: e.id, spec: e.spec, missedTick: new Date(missed[0]!).toISOString() },
            "catching up a run missed while no scheduler ran",
          );
          due.push(missed[0]!);
        }
      }
      for (const tick of due) await this.fire(e, tick, false, this.o.ha !== null);
    }
  }

  /** Fires every entry whose next tick is due at the clock's now; returns what happened. */
  async runDue(): Promise<FireResult[]> {
    const now = this.o.clock.nowMs();
    const results: FireResult[] = [];
    for (const e of this.entries.values()) {
      if (e.nextMs === null || e.nextMs > now) continue;
      const tick = e.nextMs;
      e.prevMs = tick;
      e.nextMs = nextTick(e.schedule, now, tick, this.o.ha !== null);
      results.push(await this.fire(e, tick));
    }
    return results;
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    const next = Math.min(...[...this.entries.values()].map((e) => e.nextMs ?? Infinity));
    if (!Number.isFinite(next)) return;
    const wait = Math.max(0, Math.min(next - this.o.clock.nowMs(), 60_000));
    this.timer = setTimeout(() => {
      this.firing = this.runDue()
        .catch((err) => this.o.logger.error({ err }, "scheduler tick failed"))
        .finally(() => this.arm());
    }, wait);
  }

  /**
   * Claims a tick. With `takeOver` (a new leader recovering recent ticks), a claim left by another scheduler
   * whose task never reached Redis is taken over, since that scheduler died between claiming and enqueuing.
   */
  private async claim(e: Entry, tickMs: number, owner: string, takeOver: boolean): Promise<boolean> {
    if (await this.store.claimTick(e.id, tickMs, owner)) return true;
    if (!takeOver) return false;
    const held = await this.store.tickClaim(e.id, tickMs);
    if (held === null) return this.store.claimTick(e.id, tickMs, owner);
    const [holder, heldTaskId] = held.split(" ");
    if (holder === this.id || !heldTaskId) return false;
    if (await this.store.tickFired(e.id, e.options.queue ?? "default", heldTaskId)) return false;
    const taken = await this.store.takeOverTick(e.id, tickMs, held, owner);
    if (taken)
      this.o.logger.warn(
        { entryId: e.id, tick: new Date(tickMs).toISOString(), deadScheduler: holder },
        "took over a tick its claimer never fired",
      );
    return taken;
  }

  private async fire(e: Entry, tickMs: number, manual = false, takeOver = false): Promise<FireResult> {
    const log = this.o.logger.child({ entryId: e.id, spec: e.spec, type: e.task.type });
    const base = { entryId: e.id, tickMs };
    if (!this.leader && !manual) return { ...base, outcome: "not-leader" };
    // The claim names the task id the tick will get, so a new leader can tell a tick its dead predecessor
    // claimed but never enqueued (take it over) from one it did enqueue (leave it).
    const taskId = e.options.taskId ?? randomUUID();
    try {
      if (!manual && !(await this.claim(e, tickMs, `${this.id} ${taskId}`, takeOver))) {
        log.debug({ tick: new Date(tickMs).toISOString() }, "tick already fired by another scheduler");
        return { ...base, outcome: "claimed-elsewhere" };
      }
    } catch (err) {
      log.error({ err }, "cannot claim tick; skipping it");
      return { ...base, outcome: "failed", error: String(err) };
    }
    const ref: SchedulerEntryRef = { id: e.id, spec: e.spec, task: e.task };
    try {
      await this.o.preEnqueue?.(ref);
    } catch (err) {
      log.info({ err }, "preEnqueue hook refused this run");
      return { ...base, outcome: "skipped", error: String(err) };
    }
    let info: TaskInfo | null = null;
    let error: Error | null = null;
    try {
      info = await this.client.enqueue(e.task, manual ? e.options : { ...e.options, taskId });
      const at = this.o.clock.nowMs();
      await this.broker.recordSchedulerEnqueueEvent(e.id, { taskId: info.id, enqueueTime: new Date(at) });
      await this.store.recordRun(e.id, {
        taskId: info.id,
        queue: info.queue,
        tickMs: manual ? null : tickMs,
        enqueuedMs: at,
        manual,
      });
      log.info(
        { taskId: info.id, queue: info.queue, tick: new Date(tickMs).toISOString() },
        "cron entry enqueued its task",
      );
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      if (isDuplicateTaskError(err)) log.info({ err: error.message }, "cron run skipped: its unique task still exists");
      else log.error({ err: error }, "cron entry failed to enqueue its task");
    }
    try {
      await this.o.postEnqueue?.(ref, info, error);
    } catch (err) {
      log.warn({ err }, "postEnqueue hook threw");
    }
    return info
      ? { ...base, outcome: "enqueued", taskId: info.id }
      : { ...base, outcome: "failed", error: error?.message };
  }

  /** Enqueues an entry's task now, recorded as a manual run (not counted as a tick). */
  async runNow(entryId: string): Promise<FireResult> {
    const e = this.entries.get(entryId);
    if (!e)
      throw new InvalidOptionError(
        "scheduler.runNow",
        "entryId",
        entryId,
        `one of ${this.entryIds().join(", ") || "(no entries)"}`,
      );
    return this.fire(e, this.o.clock.nowMs(), true);
  }

  /**
   * Stops firing and removes this scheduler's published entries (as Go does). Go also deletes the entries'
   * enqueue history; a highly available scheduler keeps it, since other replicas publish the same entries.
   */
  async shutdown(): Promise<void> {
    if (!this.running && !this.owned) return;
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.beatTimer);
    await this.firing;
    try {
      await this.broker.clearSchedulerEntries(this.id, this.o.ha ? [] : [...this.entries.keys()]);
      if (this.o.ha && this.leader) await this.store.releaseLeadership(this.o.ha.group, this.id);
    } catch (err) {
      this.o.logger.error({ err }, "scheduler clean-up failed");
    }
    this.leader = false;
    if (this.owned) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
