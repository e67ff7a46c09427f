// Vigil's per-attempt additions to the handler context (ctx.log, ctx.checkpoint, ctx.lastCheckpoint) and
// what an attempt adds to its finalization (run history record, checkpoint deletion). Free when unused.
import type { Logger } from "pino";
import { InvalidOptionError } from "../../errors.js";
import { toError } from "../../retry.js";
import type { ResolvedServerExtras } from "../../server-extras-options.js";
import type { HandlerContext, ResultWriter } from "../../handler.js";
import type { RunOutcome, TaskLogger } from "../../task-extras-types.js";
import type { Broker } from "../base/broker.js";
import type { FinalizeExtras, RunEntry, RunHistoryRetention } from "../base/extras.js";
import type { TaskMessage } from "../base/message.js";
import type { Clock } from "../clock.js";
import { TaskLogWriter } from "./task-log-writer.js";

/** Server-wide part: the log writer and the settings. */
export class TaskExtras {
  private readonly writer: TaskLogWriter;

  constructor(
    readonly broker: Broker,
    readonly settings: ResolvedServerExtras,
    readonly clock: Clock,
    logger: Logger,
  ) {
    const s = settings;
    this.writer = new TaskLogWriter(
      broker,
      { maxLines: s.taskLogMaxLines, ttlMs: s.taskLogTtlMs, flushMs: s.taskLogFlushMs, clock },
      logger,
    );
  }

  /** The additions of one attempt (of `task.msg`, started at `task.startedAtMs`). */
  attempt(task: AttemptTask): Attempt {
    return new Attempt(this, task);
  }

  /** The task log writer (one per server). */
  get logWriter(): TaskLogWriter {
    return this.writer;
  }

  /** Writes the log lines still buffered. */
  close(): Promise<void> {
    return this.writer.close();
  }
}

/** Whether (and why) an attempt was aborted; an AbortSignal is one. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/** The task an attempt runs, and whether (and why) that attempt was aborted (a RunningTask is one). */
export interface AttemptTask extends AbortState {
  readonly msg: TaskMessage;
  /** When the attempt started, epoch ms. */
  readonly startedAtMs: number;
}

/** Where an attempt's AbortSignal comes from (created when first read). */
export interface SignalSource {
  readonly signal: AbortSignal;
}

/**
 * One attempt's logger, checkpoints and run record. Once ended, it is also its own run-history entry
 * (RunEntry, with `entry` and `keep` for FinalizeExtras.run): no record objects per task.
 */
export class Attempt implements RunEntry {
  private logger: TaskLogger | undefined = undefined;
  /** The attempt used the checkpoint API (so the checkpoint is deleted when the task finishes for good). */
  private usedCheckpoints = false;
  private saved: { json: string } | undefined = undefined;
  private loaded: Promise<unknown> | undefined = undefined;
  /** The run record, set by end(). */
  durationMs = 0;
  outcome: RunOutcome = "success";
  error = "";
  finishMs = 0;

  constructor(
    private readonly x: TaskExtras,
    private readonly task: AttemptTask,
  ) {}

  private get msg(): TaskMessage {
    return this.task.msg;
  }

  private get signal(): AbortState {
    return this.task;
  }

  private get writer(): TaskLogWriter {
    return this.x.logWriter;
  }

  get taskId(): string {
    return this.task.msg.id;
  }

  get type(): string {
    return this.task.msg.type;
  }

  get queue(): string {
    return this.task.msg.queue;
  }

  get startMs(): number {
    return this.task.startedAtMs;
  }

  /** FinalizeExtras.run: the entry is this attempt. */
  get entry(): RunEntry {
    return this;
  }

  /** FinalizeExtras.run: how the history is kept (end() refers to this only when it is kept). */
  get keep(): RunHistoryRetention {
    return this.x.settings.runHistory!;
  }

  /** `ctx.log`, created on first use. */
  get log(): TaskLogger {
    this.logger ??= this.writer.loggerFor(this.msg);
    return this.logger;
  }

  /** `ctx.checkpoint(state)`: resolves once the state is stored; refused once the attempt's signal aborted. */
  async checkpoint(state: unknown): Promise<void> {
    this.usedCheckpoints = true;
    if (this.signal.aborted) {
      const reason = toError(this.signal.reason);
      throw new Error(`failed to save checkpoint: ${reason.message}`, { cause: this.signal.reason });
    }
    let stateJson: string | undefined;
    try {
      stateJson = JSON.stringify(state);
    } catch (err) {
      throw new InvalidOptionError("ctx.checkpoint", "state", typeof state, `a JSON value (${toError(err).message})`);
    }
    if (stateJson === undefined) throw new InvalidOptionError("ctx.checkpoint", "state", state, "a JSON value");
    const m = this.msg;
    const json = `{"state":${stateJson},"savedAtMs":${this.x.clock.nowMs()},"retryCount":${m.retried}}`;
    this.saved = { json: stateJson };
    await this.x.broker.writeCheckpoint(m.queue, m.id, json, this.x.settings.checkpointTtlMs);
  }

  /** `ctx.lastCheckpoint()`: this attempt's last saved state, else the stored one (one read), else undefined. */
  async lastCheckpoint<T>(): Promise<T | undefined> {
    this.usedCheckpoints = true;
    if (this.saved) return JSON.parse(this.saved.json) as T;
    this.loaded ??= this.x.broker.readCheckpoint(this.msg.queue, this.msg.id).then((text) => {
      if (text === null) return undefined;
      const r = JSON.parse(text) as { state?: unknown } | null;
      return r !== null && typeof r === "object" ? r.state : undefined;
    });
    return (await this.loaded) as T | undefined;
  }

  /**
   * The attempt ended with `outcome`: starts writing its buffered log lines (ahead of the finalization on the
   * same connection, so a reader that sees the task finished also sees its lines) and returns the extras of
   * its finalization: the run record, and checkpoint deletion when `final` (success, revoke).
   */
  end(outcome: RunOutcome, error: string, final: boolean): FinalizeExtras {
    if (this.logger && this.writer.has(this.msg)) void this.writer.flush();
    const history = this.x.settings.runHistory;
    const m = this.msg;
    const extras: FinalizeExtras = {};
    if (final && (this.usedCheckpoints || m.retried > 0)) extras.dropCheckpoint = true;
    if (history) {
      const finishMs = this.x.clock.nowMs();
      this.finishMs = finishMs;
      this.durationMs = Math.max(0, finishMs - this.task.startedAtMs);
      this.outcome = outcome;
      this.error = error;
      extras.run = this;
    }
    return extras;
  }

  /** True once the handler used `ctx.log`. */
  get logged(): boolean {
    return this.logger !== undefined;
  }

  /** Resolves once this attempt's log lines are written (flushing them if end() did not). */
  settled(): Promise<void> {
    return this.logger ? this.writer.flush() : Promise.resolve();
  }
}

/**
 * The HandlerContext of one attempt. A class, not an object literal: a literal with a getter costs ~0.6 µs to
 * build, a class instance (getter on the prototype) about as little as Go's fields alone. `checkpoint` and
 * `lastCheckpoint` are own arrow functions, so destructuring them from ctx works.
 */
export class AttemptContext implements HandlerContext {
  readonly #attempt: Attempt;
  readonly #signal: SignalSource;
  readonly checkpoint: (state: unknown) => Promise<void>;
  readonly lastCheckpoint: <T = unknown>() => Promise<T | undefined>;

  constructor(
    signal: SignalSource,
    readonly taskId: string,
    readonly queue: string,
    readonly retryCount: number,
    readonly maxRetry: number,
    readonly deadline: Date,
    readonly resultWriter: ResultWriter,
    attempt: Attempt,
  ) {
    this.#attempt = attempt;
    this.#signal = signal;
    // Bound methods: own functions (destructuring works, and so does `{ ...ctx }`), cheaper than closures.
    this.checkpoint = attempt.checkpoint.bind(attempt);
    this.lastCheckpoint = attempt.lastCheckpoint.bind(attempt) as <T = unknown>() => Promise<T | undefined>;
  }

  /** `ctx.signal`, created on first use (aborted from the start when the attempt already was). */
  get signal(): AbortSignal {
    return this.#signal.signal;
  }

  /** `ctx.log`, created on first use. */
  get log(): TaskLogger {
    return this.#attempt.log;
  }
}
