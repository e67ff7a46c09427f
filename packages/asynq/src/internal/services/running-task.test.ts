// The per-task record: the lazily created abort signal and the shared deadline timer.
import { afterEach, describe, expect, it, vi } from "vitest";
import { CanceledError, DeadlineExceededError } from "../../handler.js";
import { LeaseExpiredError } from "../../retry.js";
import { newTaskMessage } from "../base/message.js";
import { SimulatedClock, systemClock } from "../clock.js";
import { Deadlines, RunningTask } from "./running-task.js";

const owner = { userCodeDone: () => {} };
const msg = newTaskMessage({ type: "t", id: "i", queue: "q", timeout: 60, deadline: 0 });
const make = (deadlineMs: number, clock = systemClock) =>
  new RunningTask(msg, clock.nowMs(), deadlineMs, clock, clock.nowMs() + 30_000, owner);

describe("RunningTask signal", () => {
  it("a signal read before the abort aborts with the first reason", () => {
    const t = make(Date.now() + 1000);
    const s = t.signal;
    const seen: unknown[] = [];
    s.addEventListener("abort", () => seen.push(s.reason));
    const first = new CanceledError("cancel");
    t.abort(first);
    t.abort(new CanceledError("shutdown"));
    expect(s.aborted).toBe(true);
    expect(seen).toEqual([first]);
    expect(t.reason).toBe(first);
  });

  it("a signal first read after the abort is created already aborted", () => {
    const t = make(Date.now() + 1000);
    t.lease.notifyExpiration();
    expect(t.aborted).toBe(true);
    expect(t.signal.aborted).toBe(true);
    expect(t.signal.reason).toBeInstanceOf(LeaseExpiredError);
  });

  it("calls the runner's abort callback once", () => {
    const t = make(Date.now() + 1000);
    const cb = vi.fn();
    t.onAbort = cb;
    t.abort(new CanceledError());
    t.abort(new CanceledError());
    expect(cb).toHaveBeenCalledTimes(1);
  });
});

describe("Deadlines", () => {
  afterEach(() => vi.useRealTimers());

  it("aborts each task at its deadline, in any insertion order; removed tasks are left alone", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const d = new Deadlines(systemClock);
    const now = Date.now();
    const a = make(now + 300);
    const b = make(now + 100);
    const c = make(now + 200);
    const e = make(now + 200);
    for (const t of [a, b, c, e]) d.add(t);
    d.remove(e);
    vi.advanceTimersByTime(99);
    expect([a, b, c].map((t) => t.aborted)).toEqual([false, false, false]);
    vi.advanceTimersByTime(1);
    expect([a, b, c].map((t) => t.aborted)).toEqual([false, true, false]);
    expect(b.signal.reason).toBeInstanceOf(DeadlineExceededError);
    vi.advanceTimersByTime(100);
    expect([a, c].map((t) => t.aborted)).toEqual([false, true]);
    vi.advanceTimersByTime(100);
    expect(a.aborted).toBe(true);
    expect(e.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("aborts at once when the deadline has passed; clears its timer when no task is left", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const clock = new SimulatedClock(5000);
    const d = new Deadlines(clock);
    const late = make(4000, clock);
    d.add(late);
    expect(late.reason).toBeInstanceOf(DeadlineExceededError);
    const t = make(9000, clock);
    d.add(t);
    expect(vi.getTimerCount()).toBe(1);
    d.remove(t);
    expect(vi.getTimerCount()).toBe(0);
  });
});
