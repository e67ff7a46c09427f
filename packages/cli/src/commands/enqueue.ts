// `vigil enqueue TYPE [PAYLOAD]`: trigger a job by hand with every Asynq option (replaces `go run ... enqueue`).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { EnqueueOptions } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import { UsageError } from "../errors.js";
import { payloadPreview, when } from "../output/format.js";
import { keyValues } from "../output/table.js";
import { taskJson } from "./task.js";

interface EnqueueFlags {
  queue?: string;
  maxRetry?: string;
  timeout?: string;
  deadline?: string;
  processAt?: string;
  processIn?: string;
  unique?: string;
  id?: string;
  retention?: string;
  group?: string;
  header?: string[];
  payloadFile?: string;
  stdin?: boolean;
}

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

/** Turns the flags into EnqueueOptions; the library validates values and names the bad option. */
export function enqueueOptions(f: EnqueueFlags): EnqueueOptions {
  const o: EnqueueOptions = {};
  if (f.queue !== undefined) o.queue = f.queue;
  if (f.maxRetry !== undefined) {
    const n = Number(f.maxRetry);
    if (!Number.isInteger(n))
      throw new UsageError(`--max-retry must be a whole number (got ${JSON.stringify(f.maxRetry)})`);
    o.maxRetry = n;
  }
  if (f.timeout !== undefined) o.timeout = f.timeout;
  if (f.deadline !== undefined) o.deadline = f.deadline;
  if (f.processAt !== undefined) o.processAt = f.processAt;
  if (f.processIn !== undefined) o.processIn = f.processIn;
  if (f.unique !== undefined) o.unique = f.unique;
  if (f.id !== undefined) o.taskId = f.id;
  if (f.retention !== undefined) o.retention = f.retention;
  if (f.group !== undefined) o.group = f.group;
  if (f.header?.length) {
    o.headers = {};
    for (const h of f.header) {
      const eq = h.indexOf("=");
      if (eq <= 0) throw new UsageError(`--header must be key=value (got ${JSON.stringify(h)})`);
      o.headers[h.slice(0, eq)] = h.slice(eq + 1);
    }
  }
  return o;
}

/** Registers `vigil enqueue`. */
export function registerEnqueue(program: Command, run: Runner): void {
  program
    .command("enqueue")
    .argument("<type>", "task type, e.g. snapshot_daily")
    .argument("[payload]", "payload text (JSON or anything); or use --payload-file / --stdin")
    .option("-q, --queue <queue>", "queue", "default")
    .option("--max-retry <n>", "max retries (default 25)")
    .option("--timeout <duration>", "per-attempt timeout, e.g. 30m, 90s (default 30m unless --deadline)")
    .option("--deadline <time>", "absolute deadline, ISO-8601")
    .option("--process-at <time>", "run at this time, ISO-8601")
    .option("--process-in <duration>", "run after this delay, e.g. 10m")
    .option("--unique <duration>", "refuse duplicates (same queue, type, payload) for this long")
    .option("--id <id>", "custom task id")
    .option("--retention <duration>", "keep as completed this long after success")
    .option("--group <group>", "aggregation group")
    .option("--header <key=value>", "task header (repeatable)", collect)
    .option("--payload-file <file>", "read the payload bytes from a file")
    .option("--stdin", "read the payload bytes from standard input")
    .description("enqueue a task now (or later), as a Go or Vigil worker will see it")
    .addHelpText(
      "after",
      `
Examples:
  vigil enqueue snapshot_daily '{"kind":"daily"}' -q low
  vigil enqueue crawl_tiktok '{"source":"tiktok"}' --max-retry 3 --timeout 5m
  vigil enqueue report:weekly --process-at 2030-01-06T09:00:00Z --retention 2h < /dev/null
  cat payload.bin | vigil enqueue blob:process --stdin`,
    )
    .action(
      run(async (ctx, type: string, payloadArg: string | undefined, f: EnqueueFlags) => {
        const sources = [payloadArg !== undefined, Boolean(f.payloadFile), Boolean(f.stdin)].filter(Boolean).length;
        if (sources > 1) throw new UsageError("give the payload once: as an argument, --payload-file or --stdin");
        let payload: Uint8Array | null = null;
        if (payloadArg !== undefined) payload = Buffer.from(payloadArg, "utf8");
        else if (f.payloadFile) {
          try {
            payload = readFileSync(f.payloadFile);
          } catch (e) {
            throw new UsageError(`--payload-file ${f.payloadFile}: ${(e as Error).message}`);
          }
        } else if (f.stdin) payload = await ctx.io.readStdin();
        const info = await ctx.client().enqueue(type, payload, enqueueOptions(f));
        if (ctx.json) return ctx.printJson(taskJson(info));
        ctx.print(
          keyValues(
            [
              ["enqueued", info.id],
              ["queue", info.queue],
              ["type", info.type],
              ["state", info.state],
              ["payload", payloadPreview(info.payload, 200) || "(empty)"],
              ["process at", when(info.nextProcessAt, ctx.io.clock.nowMs()) || "-"],
            ],
            { color: ctx.color },
          ),
        );
      }),
    );
}
