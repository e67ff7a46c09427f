// `vigil task logs` (a task's ctx.log lines, optionally followed live), `vigil task checkpoint` (its last saved
// progress) and `vigil runs` (a queue's run history). All read Vigil's own keys; none of them is an error when absent.
import type { Command } from "commander";
import picocolors from "picocolors";
import {
  isQueueNotFoundError,
  isTaskNotFoundError,
  type Checkpoint,
  type RunRecord,
  type TaskLogLine,
  type TaskLogsOptions,
} from "@vigil/asynq";
import type { Runner } from "../runner.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { when } from "../output/format.js";
import { keyValues, table } from "../output/table.js";
import { intOption, required } from "./common.js";

const pc = picocolors.createColors(true);
const LEVEL_COLOUR = { info: pc.green, warn: pc.yellow, error: pc.red } as const;

function fieldText(v: unknown): string {
  return typeof v === "string" && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

/** One log line as text: `2026-11-29 01:12:32.123Z info  [try 1] paid item  item=4`. */
export function logLineText(l: TaskLogLine, color: boolean): string {
  const time = l.time.toISOString().replace("T", " ");
  const level = l.level.padEnd(5);
  const fields = Object.entries(l.fields)
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(" ");
  const head = `${time} ${color ? LEVEL_COLOUR[l.level](level) : level} [try ${l.retryCount + 1}]`;
  return `${head} ${l.message}${fields ? `  ${color ? pc.dim(fields) : fields}` : ""}`;
}

/** A log line as stable JSON. */
export function logLineJson(l: TaskLogLine): Record<string, unknown> {
  return {
    id: l.id,
    time: l.time.toISOString(),
    level: l.level,
    message: l.message,
    fields: l.fields,
    retryCount: l.retryCount,
  };
}

/** A run record as stable JSON. */
export function runJson(r: RunRecord): Record<string, unknown> {
  return { ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt.toISOString() };
}

/** The table of `vigil runs`. */
export function runsTable(runs: RunRecord[], nowMs: number, color: boolean): string {
  return table(
    [
      { header: "FINISHED" },
      { header: "TASK ID" },
      { header: "TYPE" },
      { header: "OUTCOME" },
      { header: "DURATION", align: "right" },
      { header: "ERROR" },
    ],
    runs.map((r) => [
      when(r.finishedAt, nowMs),
      r.taskId,
      r.type,
      r.outcome,
      r.durationMs < 1000 ? `${r.durationMs}ms` : `${(r.durationMs / 1000).toFixed(1)}s`,
      r.error.length > 60 ? `${r.error.slice(0, 59)}…` : r.error,
    ]),
    { color },
  );
}

/** A state on one line when short, else pretty JSON indented under the value column of checkpointText. */
function stateText(state: unknown): string {
  const one = JSON.stringify(state);
  return one.length <= 100 ? one : JSON.stringify(state, null, 2).replace(/\n/g, `\n${" ".repeat(12)}`);
}

/** The text of `vigil task checkpoint`. */
export function checkpointText(id: string, c: Checkpoint, nowMs: number, color: boolean): string {
  return keyValues(
    [
      ["task", id],
      ["saved at", when(c.savedAt, nowMs)],
      ["by attempt", String(c.retryCount + 1)],
      ["state", stateText(c.state)],
    ],
    { color },
  );
}

function sinceOption(v: string | undefined): TaskLogsOptions["since"] {
  if (v === undefined) return undefined;
  if (/^\d+(-\d+)?$/.test(v)) return v;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new UsageError(`--since must be a line id (1732850000123-0) or a time (got ${JSON.stringify(v)})`);
  return t;
}

/** True once the task will log no more: completed, archived, or gone (deleted on success, or never existed). */
async function finished(ctx: CommandContext, queue: string, id: string): Promise<boolean> {
  try {
    const t = await ctx.inspector().getTaskInfo(queue, id);
    return t.state === "completed" || t.state === "archived";
  } catch (e) {
    if (isTaskNotFoundError(e) || isQueueNotFoundError(e)) return true;
    throw e;
  }
}

/** Prints new lines until the task is finished for good (then one last read) or Ctrl-C. */
async function follow(
  ctx: CommandContext,
  queue: string,
  id: string,
  first: TaskLogLine[],
  intervalMs: number,
  print: (l: TaskLogLine) => void,
): Promise<void> {
  let last = first.at(-1)?.id;
  let stop = false;
  const onInt = (): void => void (stop = true);
  process.once("SIGINT", onInt);
  try {
    for (;;) {
      const done = stop || (await finished(ctx, queue, id));
      for (;;) {
        const lines = await ctx.inspector().taskLogs(queue, id, last ? { since: last } : { since: 0 });
        for (const l of lines) print(l);
        if (lines.length === 0) break;
        last = lines.at(-1)!.id;
      }
      if (done) return;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    process.off("SIGINT", onInt);
  }
}

/** Adds `logs` and `checkpoint` to `vigil task`, and `vigil runs`. */
export function registerTaskExtras(program: Command, run: Runner): void {
  const task =
    program.commands.find((c) => c.name() === "task") ?? program.command("task").description("work with tasks");

  task
    .command("logs")
    .argument("[id]", "task id (or use -i)")
    .requiredOption("-q, --queue <queue>", "queue name")
    .option("-i, --id <id>", "task id")
    .option("-n, --limit <n>", "most lines (the newest, or the first after --since)", "1000")
    .option("--since <id|time>", "only lines after this line id, or from this time (ISO-8601)")
    .option("-f, --follow", "keep printing new lines until the task finished for good (Ctrl-C stops)")
    .option("--interval <ms>", "poll interval of --follow, milliseconds", "500")
    .description("lines the task's handler wrote with ctx.log (every attempt), oldest first")
    .addHelpText(
      "after",
      "\nWith --json, prints a JSON array; with --json --follow, one JSON object per line.\n\nExamples:\n  vigil task logs -q payouts -i 7f3c…\n  vigil task logs -q payouts -i 7f3c… --follow\n  vigil task logs -q payouts -i 7f3c… --since 1732850000123-0 --json",
    )
    .action(
      run(
        async (
          ctx,
          idArg: string | undefined,
          o: { queue: string; id?: string; limit: string; since?: string; follow?: boolean; interval: string },
        ) => {
          const id = required(idArg ?? o.id, "a task id", "vigil task logs -q default -i <id>");
          const limit = intOption("--limit", o.limit, 1, 100_000);
          const intervalMs = intOption("--interval", o.interval, 10, 60_000);
          const since = sinceOption(o.since);
          const lines = await ctx.inspector().taskLogs(o.queue, id, { limit, since });
          if (!o.follow) {
            if (ctx.json) return ctx.printJson(lines.map(logLineJson));
            if (lines.length === 0) return ctx.note(`no log lines for task ${id} in ${o.queue}`);
            return ctx.print(lines.map((l) => logLineText(l, ctx.color)).join("\n"));
          }
          const print = (l: TaskLogLine): void =>
            ctx.json ? ctx.io.out(`${JSON.stringify(logLineJson(l))}\n`) : ctx.print(logLineText(l, ctx.color));
          lines.forEach(print);
          await follow(ctx, o.queue, id, lines, intervalMs, print);
        },
      ),
    );

  task
    .command("checkpoint")
    .argument("[id]", "task id (or use -i)")
    .requiredOption("-q, --queue <queue>", "queue name")
    .option("-i, --id <id>", "task id")
    .description("the last progress the task saved with ctx.checkpoint (kept while it retries or is archived)")
    .addHelpText(
      "after",
      "\nExamples:\n  vigil task checkpoint -q payouts -i 7f3c…\n  vigil task checkpoint -q payouts -i 7f3c… --json",
    )
    .action(
      run(async (ctx, idArg: string | undefined, o: { queue: string; id?: string }) => {
        const id = required(idArg ?? o.id, "a task id", "vigil task checkpoint -q default -i <id>");
        const c = await ctx.inspector().getCheckpoint(o.queue, id);
        if (ctx.json) {
          return ctx.printJson(
            c && {
              taskId: id,
              queue: o.queue,
              state: c.state,
              savedAt: c.savedAt.toISOString(),
              retryCount: c.retryCount,
            },
          );
        }
        if (!c)
          return ctx.note(`no checkpoint for task ${id} in ${o.queue} (none saved, the task succeeded, or it expired)`);
        ctx.print(checkpointText(id, c, ctx.io.clock.nowMs(), ctx.color));
      }),
    );

  program
    .command("runs")
    .requiredOption("-q, --queue <queue>", "queue name")
    .option("-n, --limit <n>", "most runs, newest first", "20")
    .option("-t, --type <type>", "only tasks of this type")
    .option("-i, --id <id>", "only attempts of this task")
    .description("run history of a queue: every finished attempt with its outcome, duration and error")
    .addHelpText(
      "after",
      "\nExamples:\n  vigil runs -q payouts\n  vigil runs -q default --type email:welcome --limit 100 --json",
    )
    .action(
      run(async (ctx, o: { queue: string; limit: string; type?: string; id?: string }) => {
        const limit = intOption("--limit", o.limit, 1, 100_000);
        const runs = await ctx.inspector().runHistory(o.queue, { limit, type: o.type, taskId: o.id });
        if (ctx.json) return ctx.printJson(runs.map(runJson));
        if (runs.length === 0) return ctx.note(`no runs recorded for ${o.queue}`);
        ctx.print(runsTable(runs, ctx.io.clock.nowMs(), ctx.color));
      }),
    );
}
