// Server option resolution: Go's defaults, queue normalisation, and InvalidOptionError naming the field.
import { describe, expect, it } from "vitest";
import { availableParallelism } from "node:os";
import { pino } from "pino";
import { InvalidOptionError } from "./errors.js";
import { SimulatedClock } from "./internal/clock.js";
import { defaultRetryDelay } from "./retry.js";
import { type ServerOptions, resolveServerOptions } from "./server-options.js";

describe("resolveServerOptions defaults", () => {
  it("applies Go's defaults", () => {
    const o = resolveServerOptions();
    expect(o).toMatchObject({
      concurrency: availableParallelism(),
      queues: { default: 1 },
      strictPriority: false,
      taskCheckIntervalMs: 1000,
      shutdownTimeoutMs: 8000,
      healthCheckIntervalMs: 15_000,
      delayedTaskCheckIntervalMs: 5000,
      heartbeatIntervalMs: 5000,
      recovererIntervalMs: 60_000,
      leaseDurationMs: 30_000,
      groupGracePeriodMs: 60_000,
      groupMaxDelayMs: 0,
      groupMaxSize: 0,
      janitorIntervalMs: 8000,
      janitorBatchSize: 100,
      instantPickup: true,
    });
    expect(o.retryDelayFunc).toBe(defaultRetryDelay);
    expect(o.isFailure(new Error("x"))).toBe(true);
    expect(o.errorHandler).toBeUndefined();
    expect(Object.isFrozen(o)).toBe(true);
  });

  it("parses durations and keeps given values", () => {
    const clock = new SimulatedClock(0);
    const logger = pino({ level: "silent" });
    const o = resolveServerOptions({
      concurrency: 50,
      queues: { critical: 6, default: 3, low: 1 },
      strictPriority: true,
      shutdownTimeout: "2s",
      taskCheckInterval: 250,
      groupGracePeriod: "1m30s",
      clock,
      logger,
    });
    expect(o.concurrency).toBe(50);
    expect(o.queues).toEqual({ critical: 6, default: 3, low: 1 });
    expect(o.shutdownTimeoutMs).toBe(2000);
    expect(o.taskCheckIntervalMs).toBe(250);
    expect(o.groupGracePeriodMs).toBe(90_000);
    expect(o.clock).toBe(clock);
    expect(o.logger).toBe(logger);
    expect(o.fetchers).toBe(4);
    expect(o.dequeueBatchSize).toBe(32);
  });

  it("rounds leaseDuration up to whole seconds", () => {
    expect(resolveServerOptions({ leaseDuration: 2500, heartbeatInterval: "1s" }).leaseDurationMs).toBe(3000);
    expect(resolveServerOptions({ leaseDuration: "4s", heartbeatInterval: "1s" }).leaseDurationMs).toBe(4000);
  });

  it("drops blank names and priorities <= 0 like Go, falling back to default", () => {
    expect(resolveServerOptions({ queues: { a: 2, " ": 3, b: 0, c: -1 } }).queues).toEqual({ a: 2 });
    expect(resolveServerOptions({ queues: { b: 0 } }).queues).toEqual({ default: 1 });
    expect(resolveServerOptions({ queues: {} }).queues).toEqual({ default: 1 });
  });
});

describe("resolveServerOptions errors", () => {
  const bad: [string, ServerOptions][] = [
    ["concurrency", { concurrency: 0 }],
    ["concurrency", { concurrency: 1.5 }],
    ["queues", { queues: [] as never }],
    ["queues.a", { queues: { a: 1.5 } }],
    ["queues.a", { queues: { a: "1" as never } }],
    ["shutdownTimeout", { shutdownTimeout: "soon" }],
    ["shutdownTimeout", { shutdownTimeout: -1 }],
    ["groupGracePeriod", { groupGracePeriod: 500 }],
    ["groupMaxSize", { groupMaxSize: -1 }],
    ["janitorBatchSize", { janitorBatchSize: 0 }],
    ["heartbeatInterval", { heartbeatInterval: 10 }],
    ["leaseDuration", { leaseDuration: 500 }],
    ["leaseDuration", { leaseDuration: "5s" }],
    ["leaseDuration", { heartbeatInterval: "30s" }],
    ["strictPriority", { strictPriority: "yes" as never }],
    ["logLevel", { logLevel: "verbose" as never }],
    ["retryDelayFunc", { retryDelayFunc: 5 as never }],
    ["errorHandler", { errorHandler: {} as never }],
    ["logger", { logger: {} as never }],
    ["clock", { clock: {} as never }],
    ["concurency", { concurency: 5 } as never],
  ];
  it.each(bad)("%s", (field, options) => {
    let err: unknown;
    try {
      resolveServerOptions(options);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).option).toBe(field);
    expect((err as Error).message).toContain(field);
  });
});
