// Processing deadlines (spec §6.6) and the local lease (spec §6.3) on a simulated clock.
import { describe, expect, it } from "vitest";
import { newTaskMessage } from "../base/message.js";
import { SimulatedClock } from "../clock.js";
import { Lease } from "./lease.js";
import { DEFAULT_TIMEOUT_MS, computeDeadline } from "./task-runner.js";

const now = Date.UTC(2030, 0, 1, 12, 0, 0, 750);
const nowS = Math.floor(now / 1000);
const msg = (timeout: number, deadline: number) =>
  newTaskMessage({ type: "t", id: "i", queue: "q", timeout, deadline });

describe("computeDeadline", () => {
  it.each([
    ["neither → now + 30 min", 0, 0, now + DEFAULT_TIMEOUT_MS],
    ["timeout only → now + timeout (ms precision)", 60, 0, now + 60_000],
    ["deadline only → the deadline", 0, nowS + 10, (nowS + 10) * 1000],
    ["both, timeout sooner → whole seconds", 5, nowS + 10, (nowS + 5) * 1000],
    ["both, deadline sooner", 60, nowS + 10, (nowS + 10) * 1000],
    ["deadline in the past", 0, nowS - 10, (nowS - 10) * 1000],
  ])("%s", (_name, timeout, deadline, expected) => {
    expect(computeDeadline(msg(timeout, deadline), now)).toBe(expected);
  });
});

describe("Lease", () => {
  it("is valid up to and including its expiry, and only extends while valid", () => {
    const clock = new SimulatedClock(now);
    const lease = new Lease(clock, now + 30_000);
    clock.advance(30_000);
    expect(lease.isValid()).toBe(true);
    expect(lease.reset(now + 60_000)).toBe(true);
    expect(lease.expiresAtMs).toBe(now + 60_000);
    clock.advance(30_001);
    expect(lease.isValid()).toBe(false);
    expect(lease.reset(now + 120_000)).toBe(false);
    expect(lease.expiresAtMs).toBe(now + 60_000);
  });

  it("notifies expiry once, also to late listeners", () => {
    const lease = new Lease(new SimulatedClock(now), now);
    let calls = 0;
    lease.onExpired(() => calls++);
    lease.notifyExpiration();
    lease.notifyExpiration();
    lease.onExpired(() => calls++);
    expect(calls).toBe(2);
  });
});
