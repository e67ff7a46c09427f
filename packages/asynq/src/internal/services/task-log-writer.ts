// Buffers the `ctx.log` lines of every running task of a server and writes them in the background: one
// round trip for all buffered tasks at most every flush interval, and right away when a task ends.
import type { Logger } from "pino";
import type { TaskLogFields, TaskLogLevel, TaskLogger } from "../../task-extras-types.js";
import type { Broker } from "../base/broker.js";
import type { LogLineRecord, TaskLogBatch, TaskLogRetention } from "../base/extras.js";
import type { Clock } from "../clock.js";
import type { TaskMessage } from "../base/message.js";

/** How the writer keeps and flushes lines. */
export interface TaskLogWriterOptions extends TaskLogRetention {
  flushMs: number;
  clock: Clock;
}

/** Pause between two reports of failed log writes. */
const ERROR_REPORT_MS = 5000;

/** Server-wide buffer of task log lines. */
export class TaskLogWriter {
  private buffered = new Map<string, TaskLogBatch>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastErrorAt = -Infinity;
  private droppedOnError = 0;

  constructor(
    private readonly broker: Broker,
    private readonly o: TaskLogWriterOptions,
    private readonly logger: Logger,
  ) {}

  /** The `ctx.log` of one attempt of `msg`: buffers each line and sends it to the server's pino logger. */
  loggerFor(msg: TaskMessage): TaskLogger {
    const ids = { taskId: msg.id, type: msg.type, queue: msg.queue };
    const emit = (level: TaskLogLevel, message: unknown, fields?: TaskLogFields): void => {
      const text = typeof message === "string" ? message : String(message);
      let fieldsJson = "";
      if (fields !== undefined && fields !== null && typeof fields === "object") {
        try {
          fieldsJson = JSON.stringify(fields) ?? "";
        } catch (err) {
          fieldsJson = JSON.stringify({ unserialisable: String(err) });
        }
      }
      this.add(msg, { tsMs: this.o.clock.nowMs(), level, message: text, fieldsJson });
      if (this.logger.isLevelEnabled(level)) this.logger[level]({ ...fields, ...ids }, text);
    };
    const log = ((message: string, fields?: TaskLogFields) => emit("info", message, fields)) as TaskLogger;
    log.info = (message, fields) => emit("info", message, fields);
    log.warn = (message, fields) => emit("warn", message, fields);
    log.error = (message, fields) => emit("error", message, fields);
    return log;
  }

  /** True when lines of the attempt of `msg` wait in the buffer. */
  has(msg: TaskMessage): boolean {
    return this.buffered.has(bufferKey(msg));
  }

  /** Writes everything buffered now (after earlier writes); resolves once written or failed (never rejects). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffered.size === 0) return this.chain;
    const batches = [...this.buffered.values()];
    this.buffered = new Map();
    this.chain = this.chain.then(() => this.write(batches));
    return this.chain;
  }

  /** Flushes what is left and stops the timer. */
  close(): Promise<void> {
    return this.flush();
  }

  private add(msg: TaskMessage, line: LogLineRecord): void {
    const key = bufferKey(msg);
    let b = this.buffered.get(key);
    if (!b) {
      b = { queue: msg.queue, taskId: msg.id, retried: msg.retried, lines: [] };
      this.buffered.set(key, b);
    }
    b.lines.push(line);
    if (b.lines.length > this.o.maxLines) b.lines.shift(); // only the newest maxLines are kept anyway
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.o.flushMs);
      this.timer.unref?.();
    }
  }

  private async write(batches: TaskLogBatch[]): Promise<void> {
    try {
      await this.broker.appendTaskLogs(batches, this.o);
    } catch (err) {
      this.droppedOnError += batches.reduce((n, b) => n + b.lines.length, 0);
      const now = performance.now();
      if (now - this.lastErrorAt < ERROR_REPORT_MS) return;
      this.lastErrorAt = now;
      this.logger.warn({ err, droppedLines: this.droppedOnError }, "could not write task log lines; dropped");
      this.droppedOnError = 0;
    }
  }
}

function bufferKey(msg: TaskMessage): string {
  return `${msg.queue}\u0000${msg.id}`;
}
