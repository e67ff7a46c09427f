// One Vigil worker process for the reliability tests: a Server from the built dist/ whose handler does random
// work and records the execution (HINCRBY <executionsKey> <task id> 1). argv[2]: a WorkerConfig as JSON.
// Prints pino JSON lines (warn and up), one {"ready": pid} line and a {"start": id, "t": ms} line per handler run on
// stdout; SIGTERM shuts down gracefully.
import { Redis } from "ioredis";
import { pino } from "pino";
import { Server } from "../../dist/index.js";

const config = JSON.parse(process.argv[2]);
const recorder = new Redis(config.url);
const [minMs, maxMs] = config.workMs;
const server = new Server(config.url, {
  ...config.server,
  retryDelayFunc: () => config.retryDelayMs,
  logger: pino({ level: "warn" }),
});

process.once("SIGTERM", () => {
  void (async () => {
    await server.shutdown();
    await recorder.quit();
    process.exit(0);
  })();
});

await server.start(async (_task, ctx) => {
  process.stdout.write(`${JSON.stringify({ start: ctx.taskId, t: Date.now() })}\n`);
  await new Promise((r) => setTimeout(r, minMs + Math.random() * (maxMs - minMs)));
  await recorder.hincrby(config.executionsKey, ctx.taskId, 1);
});
process.stdout.write(`${JSON.stringify({ ready: process.pid, serverId: server.identity.serverId })}\n`);
