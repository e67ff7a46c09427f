// Runs one dequeued task (spec §6.5-§6.7): builds its context and deadline, races the handler against
// timeout, cancellation, lease loss and shutdown, then writes the outcome through the Finalizer.
import type { Logger } from "pino";
import { CanceledError, type HandlerContext, type HandlerFunc, type ResultWriter } from "../../handler.js";
import { LeaseExpiredError, isRevokeTask, isSkipRetry, toError } from "../../retry.js";
import type { ResolvedServerOptions } from "../../server-options.js";
import { Task } from "../../task.js";
import type { Broker } from "../base/broker.js";
import type { TaskMessage } from "../base/message.js";
import type { Finalizer } from "./finalizer.js";
import type { Lease } from "./lease.js";
import type { Deadlines, RunningTask } from "./running-task.js";
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

  /** Runs the attempt of an active task, then finalizes it. */
  async run(active: RunningTask): Promise<void> {
    const { msg } = active;
    const log = this.d.logger;
    const fields = { taskId: msg.id, type: msg.type, queue: msg.queue };
    if (msg.timeout === 0 && msg.deadline === 0) {
      log.error(fields, "internal error: task has neither timeout nor deadline; using 30m");
    }
    const task = new Task(msg.type, msg.payload, {}, msg.headers);
    const attempt = this.extras.attempt(msg, active.startedAtMs, active);
    const ctx = new AttemptContext(
      active,
      msg.id,
      msg.queue,
      msg.retried,
      msg.retry,
      new Date(active.deadlineMs),
      new TaskResultWriter(this.d.broker, active),
      attempt,
    );
    const deadlines = this.d.deadlines;
    deadlines.add(active);
    let outcome: Outcome;
    try {
      outcome = await this.execute(task, ctx, active);
    } finally {
      deadlines.remove(active);
    }
    await this.finish(active, task, ctx, outcome, fields, attempt);
    if (attempt.logged) await attempt.settled();
  }

  private async execute(task: Task, ctx: HandlerContext, active: RunningTask): Promise<Outcome> {
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
    const settled = result;
    return new Promise<Outcome>((resolve) => {
      active.onAbort = () => resolve(abortOutcome(active.reason));
      Promise.resolve(settled).then(
        () => {
          active.onAbort = undefined;
          resolve(SUCCESS);
        },
        (thrown: unknown) => {
          active.onAbort = undefined;
          resolve({ kind: "failure", error: toError(thrown) });
        },
      );
    });
  }

  private async finish(
    active: ActiveTask,
    task: Task,
    ctx: HandlerContext,
    outcome: Outcome,
    fields: { taskId: string; type: string; queue: string },
    attempt: Attempt,
  ): Promise<void> {
    const { msg } = active;
    const { finalizer, logger: log, options } = this.d;
    if (outcome.kind === "requeue") {
      active.userCodeDone();
      if (await finalizer.requeue(active, attempt.end("requeued", "", false))) {
        log.info(fields, "task requeued at shutdown");
      }
      return;
    }
    if (outcome.kind === "success") {
      active.userCodeDone();
      const x = attempt.end("success", "", true);
      const ok = msg.retention > 0 ? await finalizer.markAsComplete(active, x) : await finalizer.done(active, x);
      if (ok && log.isLevelEnabled("debug")) log.debug(fields, msg.retention > 0 ? "task completed" : "task done");
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

/** Writes a task's result; refused once the task is aborted. */
class TaskResultWriter implements ResultWriter {
  readonly taskId: string;

  constructor(
    private readonly broker: Broker,
    private readonly active: RunningTask,
  ) {
    this.taskId = active.msg.id;
  }

  /** An own (bound) function, so `const { write } = ctx.resultWriter` keeps working. */
  readonly write = async (data: Uint8Array | string): Promise<number> => {
    const { active } = this;
    if (active.aborted) {
      throw new Error(`failed to write task result: ${toError(active.reason).message}`, { cause: active.reason });
    }
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.broker.writeResult(active.msg.queue, active.msg.id, bytes);
    return bytes.byteLength;
  };
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
