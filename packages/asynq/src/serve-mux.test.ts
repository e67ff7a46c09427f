// ServeMux routing: exact match before longest prefix, middleware order, not-found error text, bad registrations.
import { describe, expect, it } from "vitest";
import { isInvalidOptionError } from "./errors.js";
import type { HandlerContext, HandlerFunc, Middleware } from "./handler.js";
import { HandlerNotFoundError, ServeMux } from "./serve-mux.js";
import { Task } from "./task.js";

const ctx = {} as HandlerContext;

function recorder(): { calls: string[]; h: (name: string) => HandlerFunc } {
  const calls: string[] = [];
  return { calls, h: (name) => () => void calls.push(name) };
}

describe("ServeMux routing", () => {
  const { calls, h } = recorder();
  const mux = new ServeMux()
    .handle("email:", h("email:"))
    .handle("email:welcome", h("email:welcome"))
    .handle("email:welcome:", h("email:welcome:"))
    .handle("image", h("image"));

  it.each([
    ["email:welcome", "email:welcome"],
    ["email:welcome:vip", "email:welcome:"],
    ["email:reset", "email:"],
    ["image", "image"],
    ["image:resize", "image"],
  ])("%s → %s", async (type, expected) => {
    calls.length = 0;
    expect(mux.handler(type).pattern).toBe(expected);
    await mux.processTask(new Task(type), ctx);
    expect(calls).toEqual([expected]);
  });

  it("fails unknown types with Go's text", async () => {
    expect(mux.handler("video").pattern).toBe("");
    let err: unknown;
    try {
      await mux.processTask(new Task("video:encode"), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HandlerNotFoundError);
    expect((err as Error).message).toBe('handler not found for task "video:encode"');
  });

  it("accepts Handler objects", async () => {
    const seen: string[] = [];
    const m = new ServeMux().handle("a", { processTask: (t) => void seen.push(t.type) });
    await m.processTask(new Task("a"), ctx);
    expect(seen).toEqual(["a"]);
  });
});

describe("ServeMux middleware", () => {
  it("applies middleware in registration order (first = outermost), also to not-found", async () => {
    const trace: string[] = [];
    const mw =
      (name: string): Middleware =>
      (next) =>
      async (task, c) => {
        trace.push(`${name}>`);
        try {
          await next(task, c);
        } finally {
          trace.push(`<${name}`);
        }
      };
    const mux = new ServeMux().use(mw("a"), mw("b"));
    mux.handleFunc("t", () => void trace.push("handler"));
    mux.use(mw("c"));
    await mux.processTask(new Task("t"), ctx);
    expect(trace).toEqual(["a>", "b>", "c>", "handler", "<c", "<b", "<a"]);
    trace.length = 0;
    await expect(mux.processTask(new Task("x"), ctx)).rejects.toThrow(HandlerNotFoundError);
    expect(trace).toEqual(["a>", "b>", "c>", "<c", "<b", "<a"]);
  });
});

describe("ServeMux registration errors", () => {
  it.each([
    ["empty pattern", (m: ServeMux) => m.handle("", () => {})],
    ["blank pattern", (m: ServeMux) => m.handle("  ", () => {})],
    ["non-handler", (m: ServeMux) => m.handle("x", 42 as never)],
    ["duplicate", (m: ServeMux) => m.handle("x", () => {}).handle("x", () => {})],
    ["bad middleware", (m: ServeMux) => m.use("nope" as never)],
  ])("%s throws InvalidOptionError", (_name, f) => {
    let err: unknown;
    try {
      f(new ServeMux());
    } catch (e) {
      err = e;
    }
    expect(isInvalidOptionError(err)).toBe(true);
  });
});
