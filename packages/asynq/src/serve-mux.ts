// ServeMux: routes a task to the handler registered for its type (exact match first, then the longest
// registered prefix), wrapped in middleware in registration order (Go: asynq.ServeMux).
import { InvalidOptionError } from "./errors.js";
import {
  type Handler,
  type HandlerContext,
  type HandlerFunc,
  type Middleware,
  isHandlerLike,
  toHandlerFunc,
} from "./handler.js";
import type { Task } from "./task.js";

/** The error of the not-found handler: Go's `handler not found for task "<type>"`. */
export class HandlerNotFoundError extends Error {
  override name = "HandlerNotFoundError";
  /** The task type no handler matched. */
  readonly taskType: string;
  constructor(taskType: string) {
    super(`handler not found for task ${JSON.stringify(taskType)}`);
    this.taskType = taskType;
  }
}

/** A handler that fails every task with {@link HandlerNotFoundError} (Go: NotFoundHandler). */
export const notFoundHandler: HandlerFunc = (task) => {
  throw new HandlerNotFoundError(task.type);
};

/**
 * A task multiplexer. Patterns are task types or type prefixes: `"email:"` matches `"email:welcome"`.
 * @example
 * const mux = new ServeMux();
 * mux.handleFunc("email:welcome", async (task, ctx) => { ... });
 * mux.use(loggingMiddleware);
 * await server.run(mux);
 */
export class ServeMux implements Handler {
  private readonly exact = new Map<string, HandlerFunc>();
  /** Registered patterns, longest first (ties: registration order). */
  private prefixes: { pattern: string; handler: HandlerFunc }[] = [];
  private readonly middlewares: Middleware[] = [];
  /** Handlers with middleware applied, by matched pattern ("" = not found); cleared on every registration. */
  private readonly composed = new Map<string, HandlerFunc>();

  /** Registers `handler` for `pattern`; throws on an empty pattern, a bad handler or a duplicate. */
  handle(pattern: string, handler: Handler | HandlerFunc): this {
    const op = "serveMux.handle";
    if (typeof pattern !== "string" || pattern.trim() === "") {
      throw new InvalidOptionError(op, "pattern", pattern, "a non-empty task type or type prefix");
    }
    if (!isHandlerLike(handler)) {
      throw new InvalidOptionError(op, "handler", handler, "a function (task, ctx) or an object with processTask");
    }
    if (this.exact.has(pattern)) {
      throw new InvalidOptionError(op, "pattern", pattern, "a pattern not registered before");
    }
    const fn = toHandlerFunc(handler);
    this.exact.set(pattern, fn);
    this.prefixes.push({ pattern, handler: fn });
    this.prefixes = [...this.prefixes].sort((a, b) => b.pattern.length - a.pattern.length);
    this.composed.clear();
    return this;
  }

  /** Same as {@link handle}, for a function (Go: HandleFunc). */
  handleFunc(pattern: string, handler: HandlerFunc): this {
    return this.handle(pattern, handler);
  }

  /** Appends middleware; the first registered is the outermost. Applies to the not-found handler too. */
  use(...middlewares: Middleware[]): this {
    for (const mw of middlewares) {
      if (typeof mw !== "function") {
        throw new InvalidOptionError("serveMux.use", "middleware", mw, "a function (next) => handler");
      }
      this.middlewares.push(mw);
    }
    this.composed.clear();
    return this;
  }

  /** The handler (with middleware applied) and the matched pattern for a task type; pattern "" = not found. */
  handler(taskType: string): { handler: HandlerFunc; pattern: string } {
    const { handler, pattern } = this.match(taskType) ?? { handler: notFoundHandler, pattern: "" };
    let h = this.composed.get(pattern);
    if (!h) {
      h = handler;
      for (let i = this.middlewares.length - 1; i >= 0; i--) h = this.middlewares[i]!(h);
      this.composed.set(pattern, h);
    }
    return { handler: h, pattern };
  }

  /** Dispatches the task to its handler (Go: ServeMux.ProcessTask). */
  processTask(task: Task, ctx: HandlerContext): Promise<void> | void {
    return this.handler(task.type).handler(task, ctx);
  }

  private match(taskType: string): { handler: HandlerFunc; pattern: string } | undefined {
    const h = this.exact.get(taskType);
    if (h) return { handler: h, pattern: taskType };
    return this.prefixes.find((e) => taskType.startsWith(e.pattern));
  }
}
