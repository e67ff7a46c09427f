// Per-test Redis access for integration tests: each vitest worker gets its own logical DB, flushed before each test.
import { Redis } from "ioredis";
import { afterAll, beforeEach, inject } from "vitest";

/** Logical DB of this vitest worker (1..63); DB 0 is left for humans poking at the test server. */
export function workerDb(): number {
  const id = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "1");
  return 1 + ((id - 1) % 63);
}

/** The URL of this worker's DB on the test Redis. */
export function testRedisUrl(): string {
  const base = inject("redisUrl");
  return `${base.replace(/\/\d*$/, "")}/${workerDb()}`;
}

/**
 * Registers a FLUSHDB before each test and returns a getter for an admin connection to this worker's DB.
 * The connection is closed after the file's tests.
 */
export function useTestRedis(): { redis: () => Redis; url: () => string } {
  let admin: Redis | undefined;
  const get = (): Redis => (admin ??= new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 }));
  beforeEach(async () => {
    await get().flushdb();
  });
  afterAll(async () => {
    await admin?.quit();
  });
  return { redis: get, url: testRedisUrl };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
