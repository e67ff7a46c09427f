// Test harness for Server integration tests: servers on the real RedisBroker (optionally wrapped or on a
// simulated clock) with captured JSON log lines, a Client and Inspector on the same DB, and waiting helpers.
import { pino } from "pino";
import { afterEach } from "vitest";
import { Client } from "../../src/client.js";
import { Inspector } from "../../src/inspector.js";
import type { Broker } from "../../src/internal/base/broker.js";
import type { Clock } from "../../src/internal/clock.js";
import { RedisBroker } from "../../src/internal/rdb/rdb.js";
import { type Server, serverWithBroker } from "../../src/server.js";
import type { ServerOptions } from "../../src/server-options.js";
import { useTestRedis } from "../support/redis.js";

/** One captured log line. */
export type LogLine = Record<string, unknown> & { msg?: string; level: number };

/** Per-file harness; every server, client and inspector it made is shut down after each test. */
export function useServerHarness() {
  const t = useTestRedis();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A RedisBroker on its own connection to the test DB (closed after the test). */
  function broker(clock?: Clock): RedisBroker {
    const b = new RedisBroker(t.redis().duplicate(), { clock, ownsConnection: true });
    cleanups.push(() => b.close());
    return b;
  }

  /** A server (not started) on `wrap(broker)`; its log lines are collected in `lines`. */
  function server(
    options: ServerOptions = {},
    wrap: (b: RedisBroker) => Broker = (b) => b,
  ): { srv: Server; lines: LogLine[] } {
    const lines: LogLine[] = [];
    const logger = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
    const srv = serverWithBroker(wrap(broker(options.clock)), {
      concurrency: 4,
      taskCheckInterval: 50,
      shutdownTimeout: 500,
      logger,
      ...options,
    });
    cleanups.push(() => srv.shutdown());
    return { srv, lines };
  }

  function client(): Client {
    const c = new Client(t.connection());
    cleanups.push(() => c.close());
    return c;
  }

  function inspector(): Inspector {
    const i = new Inspector(t.connection());
    cleanups.push(() => i.close());
    return i;
  }

  return { redis: t.redis, url: t.url, broker, server, client, inspector };
}

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws with `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 5000): Promise<NonNullable<T>> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
  });
}
