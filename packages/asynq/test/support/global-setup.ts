// Vitest global setup for integration tests: one private redis-server for the whole run (or REDIS_URL).
import type { TestProject } from "vitest/node";
import { startRedisServer, type RedisProcess } from "./redis-server.js";

let server: RedisProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.REDIS_URL;
  if (!url) {
    server = await startRedisServer();
    url = server.url;
  }
  project.provide("redisUrl", url);
  return async () => {
    await server?.stop();
  };
}
