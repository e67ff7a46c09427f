// `vigil export` / `vigil import`: a queue's tasks as JSON lines with raw bytes (base64), and back, idempotently.
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { Command } from "commander";
import { TASK_STATES, type TaskRecord, type TaskState } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import type { CommandContext } from "../context.js";
import { EXIT, UsageError } from "../errors.js";
import { count } from "../output/format.js";

/** Version of the export line format. */
export const EXPORT_FORMAT = 1;

/** One exported task as a JSON line: every byte value base64, so nothing is lost. */
export function recordToLine(r: TaskRecord): string {
  return JSON.stringify({
    v: EXPORT_FORMAT,
    queue: r.queue,
    id: r.id,
    state: r.state,
    group: r.group,
    score: r.score,
    msg: r.msg ? Buffer.from(r.msg).toString("base64") : null,
    fields: Object.fromEntries(Object.entries(r.fields).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
    ...(r.corrupt ? { corrupt: r.corrupt } : {}),
  });
}

/** Parses one export line; the error names the line number and what is wrong. */
export function lineToRecord(line: string, n: number): TaskRecord {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`line ${n}: not JSON (${(e as Error).message})`);
  }
  if (o.v !== EXPORT_FORMAT)
    throw new UsageError(`line ${n}: format version ${String(o.v)} is not supported (expected ${EXPORT_FORMAT})`);
  for (const f of ["queue", "id", "state"])
    if (typeof o[f] !== "string" || o[f] === "") throw new UsageError(`line ${n}: "${f}" must be a non-empty string`);
  if (!(TASK_STATES as readonly string[]).includes(o.state as string))
    throw new UsageError(`line ${n}: "state" must be one of ${TASK_STATES.join(", ")}`);
  const fields = (o.fields ?? {}) as Record<string, string>;
  return {
    queue: o.queue as string,
    id: o.id as string,
    state: o.state as TaskState,
    group: typeof o.group === "string" ? o.group : "",
    score: typeof o.score === "number" ? o.score : null,
    msg: typeof o.msg === "string" ? Buffer.from(o.msg, "base64") : null,
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Buffer.from(v, "base64")])),
    ...(typeof o.corrupt === "string" ? { corrupt: o.corrupt } : {}),
  };
}

function progress(ctx: CommandContext, label: string, done: number, total: number): void {
  if (!ctx.io.isTty || ctx.json) return;
  const width = 30;
  const filled = total ? Math.min(width, Math.round((done / total) * width)) : 0;
  ctx.io.err(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${count(done)}/${count(total)}`);
}

async function write(stream: WriteStream | null, ctx: CommandContext, line: string): Promise<void> {
  if (!stream) return ctx.io.out(line + "\n");
  if (!stream.write(line + "\n")) await new Promise<void>((r) => stream.once("drain", () => r()));
}

/** Registers `vigil export` and `vigil import`. */
export function registerTransfer(program: Command, run: Runner): void {
  program
    .command("export")
    .requiredOption("-q, --queue <queue>", "queue to export")
    .option("-s, --states <states>", "comma-separated states", "pending,scheduled,retry,archived,completed,aggregating")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .description("write a queue's tasks (raw bytes, base64) as JSON lines, for backups, migrations and forensics")
    .addHelpText(
      "after",
      "\nExamples:\n  vigil export -q critical -s retry,archived -o critical-failed.jsonl\n  vigil --redis redis://old:6379 export -q default | vigil --redis redis://new:6379 import -",
    )
    .action(
      run(async (ctx, o: { queue: string; states: string; output?: string }) => {
        const states = o.states
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        for (const s of states)
          if (!(TASK_STATES as readonly string[]).includes(s))
            throw new UsageError(`--states: "${s}" is not one of ${TASK_STATES.join(", ")}`);
        const inspector = ctx.inspector();
        const info = await inspector.getQueueInfo(o.queue);
        const total = states.reduce((n, s) => n + (info[s as TaskState] ?? 0), 0);
        const stream = o.output ? createWriteStream(o.output) : null;
        let done = 0;
        const perState: Record<string, number> = {};
        const groups = states.includes("aggregating") ? (await inspector.groups(o.queue)).map((g) => g.group) : [];
        for (const state of states as TaskState[]) {
          for (const group of state === "aggregating" ? groups : [undefined]) {
            let cursor: string | null = "0";
            while (cursor !== null) {
              const page: { records: TaskRecord[]; nextCursor: string | null } = await inspector.exportTasks(
                o.queue,
                state,
                { cursor, count: 500, group },
              );
              for (const r of page.records) await write(stream, ctx, recordToLine(r));
              done += page.records.length;
              perState[state] = (perState[state] ?? 0) + page.records.length;
              progress(ctx, "export", done, total);
              cursor = page.nextCursor;
            }
          }
        }
        if (stream)
          await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
        if (ctx.io.isTty && !ctx.json) ctx.io.err("\n");
        ctx.note(
          `exported ${done} task(s) from ${o.queue}: ${
            Object.entries(perState)
              .map(([s, n]) => `${s} ${n}`)
              .join(", ") || "none"
          }`,
        );
      }),
    );

  program
    .command("import")
    .argument("<file>", "JSON lines written by vigil export, or - for stdin")
    .option("--dry-run", "check every line and count, change nothing")
    .description("put exported tasks back; tasks whose id already exists are left as they are (idempotent)")
    .addHelpText("after", "\nExamples:\n  vigil import critical-failed.jsonl\n  vigil import backup.jsonl --dry-run")
    .action(
      run(async (ctx, file: string, o: { dryRun?: boolean }) => {
        const input = file === "-" ? Readable.from([await ctx.io.readStdin()]) : createReadStream(file);
        input.on("error", () => {});
        const lines = createInterface({ input, crlfDelay: Infinity });
        const records: TaskRecord[] = [];
        let n = 0;
        try {
          for await (const line of lines) {
            n++;
            if (line.trim()) records.push(lineToRecord(line, n));
          }
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError(`${file}: ${(e as Error).message}`);
        }
        const result = { imported: 0, exists: 0, failed: 0, skippedCorrupt: 0 };
        const failures: string[] = [];
        for (const [i, r] of records.entries()) {
          if (r.corrupt) {
            result.skippedCorrupt++;
            continue;
          }
          if (o.dryRun) continue;
          try {
            result[await ctx.inspector().importTask(r)]++;
          } catch (e) {
            result.failed++;
            failures.push(`${r.queue}/${r.id}: ${(e as Error).message}`);
          }
          progress(ctx, "import", i + 1, records.length);
        }
        if (ctx.io.isTty && !ctx.json) ctx.io.err("\n");
        if (ctx.json) ctx.printJson({ ...result, dryRun: Boolean(o.dryRun), records: records.length, failures });
        else {
          for (const f of failures) ctx.note(`failed: ${f}`);
          ctx.print(
            o.dryRun
              ? `dry run: ${records.length} valid record(s), ${result.skippedCorrupt} corrupt would be skipped; nothing changed`
              : `imported ${result.imported}, already present ${result.exists}, failed ${result.failed}, corrupt skipped ${result.skippedCorrupt}`,
          );
        }
        return result.failed ? EXIT.failed : EXIT.ok;
      }),
    );
}
