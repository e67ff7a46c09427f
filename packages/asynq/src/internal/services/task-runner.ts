// Runs one dequeued task (spec §6.5-§6.7): builds its context and deadline, races the handler against
// timeout, cancellation, lease loss and shutdown, then writes the outcome through the Finalizer.
import type { Logger } from "pino";
import { CanceledError, type HandlerContext, type HandlerFunc, type ResultWriter } from "../../handler.js";
import { LeaseExpiredError, isRevokeTask, isSkipRetry, toError } from "../../retry.js";
import type { ResolvedServerOptions } from "../../server-options.js";
import { NO_HEADERS, NO_OPTIONS, Task } from "../../task.js";
import type { Broker } from "../base/broker.js";
import type { TaskMessage } from "../base/message.js";
import type { Finalizer } from "./finalizer.js";
import type { Lease } from "./lease.js";
import { ABORTED, type Deadlines, type RunningTask } from "./running-task.js";
import { type Attempt, AttemptContext, TaskExtras } from "./task-extras.js";

/** Go's fallback when a message has neither timeout nor deadline: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/** A task being processed, as the heartbeater and the subscriber see it. */
export interface ActiveTask {
  readonly msg: TaskMessage;
  readonly startedAtMs: number;
  /** Processing deadline, epoch ms (spec §6.6). */
  readonly deadlineMs: number;
  readonly lease: Lease;
  /** Aborts the handler's signal with `reason` (cancellation, shutdown, lease loss). */
  abort(reason: Error): void;
  /** Called once user code (handler, errorHandler) is done and only the finalize write is left. */
  userCodeDone(): void;
}

/** How an attempt ended. */
type Outcome = { kind: "success" } | { kind: "failure"; error: Error } | { kind: "requeue" };
const SUCCESS: Outcome = { kind: "success" };

/** Processing deadline of an attempt that starts at `nowMs` (spec §6.6; Go's computeDeadline). */
export function computeDeadline(msg: TaskMessage, nowMs: number): number {
  if (msg.timeout === 0 && msg.deadline === 0) return nowMs + DEFAULT_TIMEOUT_MS;
  if (msg.timeout !== 0 && msg.deadline !== 0) {
    return Math.min(Math.floor(nowMs / 1000) + msg.timeout, msg.deadline) * 1000;
  }
  if (msg.timeout !== 0) return nowMs + msg.timeout * 1000;
  return msg.deadline * 1000;
}

/** Everything a runner needs. */
export interface TaskRunnerDeps {
  broker: Broker;
  options: ResolvedServerOptions;
  handler: HandlerFunc;
  finalizer: Finalizer;
  /** The shared deadline timer. */
  deadlines: Deadlines;
  logger: Logger;
}

/** Executes tasks one attempt at a time; `run` never throws. */
export class TaskRunner {
  private readonly extras: TaskExtras;

  constructor(private readonly d: TaskRunnerDeps) {
    this.extras = new TaskExtras(d.broker, d.options.extras, d.options.clock, d.logger);
  }

  /** Writes the task log lines still buffered (after the last task finished). */
  close(): Promise<void> {
    return this.extras.close();
  }

  /**
   * Runs the attempt of an active task, then finalizes it. One async frame per task: the handler's wait and
   * the successful finalization are inline (each nested async call or closure is garbage per task).
   */
  async run(active: RunningTask): Promise<void> {
    const { msg } = active;
    const d = this.d;
    if (msg.timeout === 0 && msg.deadline === 0) {
      d.logger.error(logFields(msg), "internal error: task has neither timeout nor deadline; using 30m");
    }
    const task = newTask(msg);
    const attempt = this.extras.attempt(active);
    const ctx = this.context(active, attempt);
    d.deadlines.add(active);
    let outcome: Outcome;
    try {
      const started = this.start(task, ctx, active);
      if (!(started instanceof Promise)) {
        outcome = started;
        // The attempt of a synchronous handler still ends a microtask later (as it always has): the tasks
        // started together all run their handlers before the first one ends (so, e.g., one write takes the
        // log lines of all of them).
        await RESOLVED;
      } else {
        try {
          outcome = (await started) === ABORTED ? abortOutcome(active.reason) : SUCCESS;
        } catch (thrown) {
          outcome = { kind: "failure", error: toError(thrown) };
        }
        active.onAbort = undefined;
      }
    } finally {
      d.deadlines.remove(active);
    }
    if (outcome.kind === "success") {
      active.userCodeDone();
      const x = attempt.end("success", "", true);
      const { finalizer, logger: log } = d;
      const ok = await (msg.retention > 0 ? finalizer.markAsComplete(active, x) : finalizer.done(active, x));
      if (ok && log.isLevelEnabled("debug")) {
        log.debug(logFields(msg), msg.retention > 0 ? "task completed" : "task done");
      }
    } else {
      await this.finishFailed(active, task, ctx, outcome, attempt);
    }
    if (attempt.logged) await attempt.settled();
  }

  /** The handler context of an attempt (a function of its own: keeps run()'s async frame small). */
  private context(active: RunningTask, attempt: Attempt): AttemptContext {
    const { msg } = active;
    return new AttemptContext(
      active,
      msg.id,
      msg.queue,
      msg.retried,
      msg.retry,
      new Date(active.deadlineMs),
      new TaskResultWriter(this.d.broker, active),
      attempt,
    );
  }

  /**
   * Calls the handler. Returns the outcome when it is known at once, else a promise that the handler's
   * promise settles (fulfilled: success; rejected: failure) or the abort resolves with ABORTED, whichever
   * comes first. Never throws.
   */
  private start(task: Task, ctx: HandlerContext, active: RunningTask): Outcome | Promise<unknown> {
    if (active.aborted) return abortOutcome(active.reason);
    let result: Promise<void> | void;
    try {
      result = this.d.handler(task, ctx);
    } catch (thrown) {
      return active.aborted ? abortOutcome(active.reason) : { kind: "failure", error: toError(thrown) };
    }
    if (!isPromiseLike(result)) return active.aborted ? abortOutcome(active.reason) : SUCCESS;
    if (active.aborted) {
      Promise.resolve(result).catch(ignore);
      return abortOutcome(active.reason);
    }
    const wait = new Promise<unknown>(takeResolvers);
    const resolve = waitResolve;
    const reject = waitReject;
    waitResolve = waitReject = ignore;
    active.onAbort = resolve;
    // A native promise never fulfils with a thenable, nor with ABORTED: its value (ignored) means success.
    Promise.resolve(result).then(resolve, reject);
    return wait;
  }

  /** Finalizes an attempt that did not succeed: requeue at shutdown, retry, archive, revoke or abandon. */
  private async finishFailed(
    active: ActiveTask,
    task: Task,
    ctx: HandlerContext,
    outcome: Exclude<Outcome, { kind: "success" }>,
    attempt: Attempt,
  ): Promise<void> {
    const { msg } = active;
    const { finalizer, logger: log, options } = this.d;
    const fields = logFields(msg);
    if (outcome.kind === "requeue") {
      active.userCodeDone();
      if (await finalizer.requeue(active, attempt.end("requeued", "", false))) {
        log.info(fields, "task requeued at shutdown");
      }
      return;
    }
    const error = outcome.error;
    if (options.errorHandler) {
      try {
        await options.errorHandler(task, error, ctx);
      } catch (err) {
        log.error({ ...fields, err }, "errorHandler threw");
      }
    }
    active.userCodeDone();
    if (error instanceof LeaseExpiredError) {
      log.warn(fields, "task lease expired; abandoned without writes (a recoverer will retry it)");
      return;
    }
    const text = error.message;
    if (isRevokeTask(error)) {
      if (await finalizer.done(active, attempt.end("revoked", text, true))) {
        log.warn({ ...fields, error: text }, "task revoked");
      }
    } else if (msg.retried >= msg.retry || isSkipRetry(error)) {
      if (await finalizer.archive(active, text, attempt.end("archived", text, false))) {
        log.warn({ ...fields, error: text, retried: msg.retried, maxRetry: msg.retry }, "task archived");
      }
    } else {
      const isFailure = safeIsFailure(options.isFailure, error, log, fields);
      const delayMs = safeDelay(() => options.retryDelayFunc(msg.retried, error, task), log, fields);
      const retryAtMs = options.clock.nowMs() + delayMs;
      if (await finalizer.retry(active, retryAtMs, text, isFailure, attempt.end("retry", text, false))) {
        log.info(
          {
            ...fields,
            error: text,
            retried: msg.retried,
            maxRetry: msg.retry,
            retryAt: new Date(retryAtMs).toISOString(),
          },
          "task failed; retry scheduled",
        );
      }
    }
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

/** The resolving functions of the wait start() just made (taken and reset by start() at once). */
let waitResolve: (value: unknown) => void = ignore;
let waitReject: (reason: unknown) => void = ignore;

/** The executor of start()'s wait: hands out its resolving functions without a closure per task. */
function takeResolvers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  waitResolve = resolve;
  waitReject = reject;
}

/** The fields of a task's log lines (built only when a line is logged). */
function logFields(msg: TaskMessage): { taskId: string; type: string; queue: string } {
  return { taskId: msg.id, type: msg.type, queue: msg.queue };
}

/** The Task a handler gets for `msg` (sharing the frozen empty options, and headers when there are none). */
function newTask(msg: TaskMessage): Task {
  return new Task(msg.type, msg.payload, NO_OPTIONS, hasKeys(msg.headers) ? msg.headers : NO_HEADERS);
}

/** True when `o` has an own enumerable property. */
function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Writes a task's result; refused once the task is aborted. */
class TaskResultWriter implements ResultWriter {
  readonly taskId: string;
  #write: ((data: Uint8Array | string) => Promise<number>) | undefined = undefined;

  constructor(
    private readonly broker: Broker,
    private readonly active: RunningTask,
  ) {
    this.taskId = active.msg.id;
  }

  /**
   * A function bound to this writer, so `const { write } = ctx.resultWriter` keeps working; made on first
   * read (most handlers write no result).
   */
  get write(): (data: Uint8Array | string) => Promise<number> {
    return (this.#write ??= (data) => this.writeResult(data));
  }

  private async writeResult(data: Uint8Array | string): Promise<number> {
    const { active } = this;
    if (active.aborted) {
      throw new Error(`failed to write task result: ${toError(active.reason).message}`, { cause: active.reason });
    }
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.broker.writeResult(active.msg.queue, active.msg.id, bytes);
    return bytes.byteLength;
  }
}

function ignore(): void {}

function abortOutcome(reason: unknown): Outcome {
  if (reason instanceof CanceledError && reason.why === "shutdown") return { kind: "requeue" };
  return { kind: "failure", error: toError(reason) };
}

function isPromiseLike(v: unknown): v is PromiseLike<void> {
  return typeof v === "object" && v !== null && typeof (v as PromiseLike<void>).then === "function";
}

function safeIsFailure(fn: (e: Error) => boolean, e: Error, log: Logger, fields: object): boolean {
  try {
    return fn(e) !== false;
  } catch (err) {
    log.error({ ...fields, err }, "isFailure threw; counting the error as a failure");
    return true;
  }
}

function safeDelay(fn: () => number, log: Logger, fields: object): number {
  try {
    const ms = fn();
    if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) return ms;
    log.error({ ...fields, delay: String(ms) }, "retryDelayFunc returned an invalid delay; using 0");
  } catch (err) {
    log.error({ ...fields, err }, "retryDelayFunc threw; retrying without delay");
  }
  return 0;
}
