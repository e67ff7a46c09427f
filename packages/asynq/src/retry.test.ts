// Retry policy: Go's default delay bounds for n = 0..5 (spec §6.5), SkipRetry / RevokeTask detection
// through cause chains, and the error texts Go stores.
import { describe, expect, it } from "vitest";
import {
  ErrLeaseExpired,
  RevokeTask,
  SkipRetry,
  defaultRetryDelay,
  isLeaseExpired,
  isPanicError,
  isRevokeTask,
  isSkipRetry,
  revokeTask,
  skipRetry,
  toError,
} from "./retry.js";

describe("defaultRetryDelay", () => {
  const ranges: [number, number, number][] = [
    [0, 15, 44],
    [1, 16, 74],
    [2, 31, 118],
    [3, 96, 212],
    [4, 271, 416],
    [5, 640, 814],
  ];
  it.each(ranges)("n=%i stays within %i..%i s and hits both ends", (n, lo, hi) => {
    expect(defaultRetryDelay(n, undefined, undefined, () => 0)).toBe(lo * 1000);
    expect(defaultRetryDelay(n, undefined, undefined, () => 0.999999)).toBe(hi * 1000);
    const seen = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const s = defaultRetryDelay(n) / 1000;
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(lo);
      expect(s).toBeLessThanOrEqual(hi);
      expect((s - n ** 4 - 15) % (n + 1)).toBe(0);
      seen.add(s);
    }
    expect(seen.size).toBe(30);
  });
});

describe("SkipRetry and RevokeTask", () => {
  it("recognises the sentinels, helpers and wrapped causes", () => {
    expect(isSkipRetry(SkipRetry)).toBe(true);
    expect(SkipRetry.message).toBe("skip retry for the task");
    expect(skipRetry("bad input").message).toBe("bad input: skip retry for the task");
    expect(isSkipRetry(new Error("wrapped", { cause: SkipRetry }))).toBe(true);
    expect(isSkipRetry(new Error("deep", { cause: new Error("mid", { cause: skipRetry() }) }))).toBe(true);
    expect(isSkipRetry(new Error("plain"))).toBe(false);
    expect(isSkipRetry("skip retry for the task")).toBe(false);
    expect(isRevokeTask(RevokeTask)).toBe(true);
    expect(RevokeTask.message).toBe("revoke task");
    expect(isRevokeTask(new Error("x", { cause: revokeTask("gone") }))).toBe(true);
    expect(isRevokeTask(SkipRetry)).toBe(false);
  });

  it("does not loop on cyclic causes", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isSkipRetry(a)).toBe(false);
  });
});

describe("error texts", () => {
  it("uses Go's texts", () => {
    expect(ErrLeaseExpired.message).toBe("asynq: task lease expired");
    expect(isLeaseExpired(ErrLeaseExpired)).toBe(true);
    expect(toError("boom").message).toBe("panic error cause by: panic: boom");
    expect(toError({ code: 7 }).message).toBe('panic error cause by: panic: {"code":7}');
    expect(toError(undefined).message).toBe("panic error cause by: panic: undefined");
    expect(isPanicError(toError(42))).toBe(true);
    const e = new Error("handler failed");
    expect(toError(e)).toBe(e);
  });
});
