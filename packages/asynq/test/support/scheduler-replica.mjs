// One highly available scheduler replica in its own process (for the kill test): built @vigil/asynq from dist/.
// argv: redisUrl group. Prints "ready <schedulerId>" and "leader <schedulerId>" lines; SIGTERM shuts down.
import { pino } from "pino";
import { Scheduler, Task } from "../../dist/index.js";

const [url, group] = process.argv.slice(2);
const s = new Scheduler(url, {
  highAvailability: { group, leaseMs: 1500 },
  heartbeatInterval: "1s",
  takeoverWindow: "30s",
  logger: pino({ level: "silent" }),
});
s.register("@every 1s", new Task("crawl_tiktok", { source: "tiktok" }), { queue: "default" });
await s.start();
process.stdout.write(`ready ${s.id}\n`);
let was = false;
const poll = setInterval(() => {
  if (s.isLeader() && !was) process.stdout.write(`leader ${s.id}\n`);
  was = s.isLeader();
}, 100);
process.on("SIGTERM", async () => {
  clearInterval(poll);
  await s.shutdown();
  process.exit(0);
});
