// The fleet both Redis-failure tests run: a private Redis with AOF (appendfsync always), two Vigil servers whose
// handler records every execution, and a client producing tasks on 4 lanes. Everything is registered for clean-up.
import { Redis } from "ioredis";
import { Client } from "../../src/client.js";
import { Server } from "../../src/server.js";
import { PrivateRedis } from "./private-redis.js";
import { captureLogger, produce, serverOptions, sleep, type LogLine } from "./support.js";

/** What a fleet test observes and drives. */
export interface AofFleet {
  redis: PrivateRedis;
  /** An admin connection (lazy, errors ignored while Redis is down). */
  admin: Redis;
  /** Executions per task id. */
  executed: Map<string, number>;
  /** Captured log lines, one array per server. */
  logs: LogLine[][];
  servers: Server[];
  client: Client;
  producer: ReturnType<typeof produce>;
}

/** Starts the fleet; every part is pushed onto `cleanups` (run in reverse order by the test's afterEach). */
export async function startAofFleet(cleanups: (() => Promise<unknown>)[]): Promise<AofFleet> {
  const redis = await PrivateRedis.start(["--appendonly", "yes", "--appendfsync", "always"]);
  cleanups.push(() => redis.stop());
  const admin = new Redis(redis.url, { lazyConnect: true });
  admin.on("error", () => {});
  cleanups.push(async () => admin.disconnect());
  const executed = new Map<string, number>();
  const logs: LogLine[][] = [];
  const servers: Server[] = [];
  for (let i = 0; i < 2; i++) {
    const { logger, lines } = captureLogger();
    const srv = new Server(redis.url, { ...serverOptions, logger });
    cleanups.push(() => srv.shutdown());
    servers.push(srv);
    logs.push(lines);
  }
  for (const srv of servers) {
    await srv.start(async (_task, ctx) => {
      await sleep(5 + Math.random() * 15);
      executed.set(ctx.taskId, (executed.get(ctx.taskId) ?? 0) + 1);
    });
  }
  const client = new Client(redis.url);
  cleanups.push(() => client.close());
  const producer = produce(client, 4);
  return { redis, admin, executed, logs, servers, client, producer };
}
