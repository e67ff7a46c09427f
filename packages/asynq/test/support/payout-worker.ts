// A Vigil worker in its own process for the checkpoint kill test (run with vite-node, straight from src/).
// argv: redisUrl ledgerFile. Pays reward items 1..10 of `reward:payout` tasks, appending each paid item to the
// ledger and checkpointing after it; after item 4 it prints "checkpointed 4" and hangs until it is killed.
import { appendFileSync } from "node:fs";
import { pino } from "pino";
import { Server } from "../../src/server.js";

const [url, ledger] = process.argv.slice(2) as [string, string];
const srv = new Server(url, { concurrency: 1, logger: pino({ level: "silent" }), taskCheckInterval: 50 });
await srv.start(async (_task, ctx) => {
  const from = ((await ctx.lastCheckpoint<{ paidThrough: number }>())?.paidThrough ?? 0) + 1;
  for (let item = from; item <= 10; item++) {
    appendFileSync(ledger, `${item}\n`);
    await ctx.checkpoint({ paidThrough: item });
    if (item === 4) {
      process.stdout.write("checkpointed 4\n");
      await new Promise(() => {}); // the parent SIGKILLs this process now
    }
  }
});
process.stdout.write("ready\n");
