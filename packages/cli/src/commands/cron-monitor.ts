// `vigil cron status` (health of every cron entry, Go or Vigil: missed/late ticks, failures, next run) and
// `vigil cron run-now <entryId>`; both hang under the `cron` command that cluster-info.ts creates.
import type { Command } from "commander";
import picocolors from "picocolors";
import { isInvalidOptionError, type CronEntryStatus, type CronHealth } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import { UsageError } from "../errors.js";
import { payloadJson, shortDuration, when } from "../output/format.js";
import { table } from "../output/table.js";

const pc = picocolors.createColors(true);

const COLOURS: Record<CronHealth, (s: string) => string> = {
  healthy: pc.green,
  never: pc.dim,
  paused: pc.yellow,
  late: pc.yellow,
  failing: pc.red,
  missed: pc.red,
  "scheduler-down": pc.magenta,
  invalid: pc.red,
};

/** The status word, coloured when colour is on. */
export function statusCell(status: CronHealth, color: boolean): string {
  return color ? COLOURS[status](status) : status;
}

/** `2026-11-29 01:12:32Z (6s ago) pending`, or `never` without any run. */
function lastRunCell(e: CronEntryStatus, nowMs: number): string {
  const last = e.runs[0];
  if (!last) return e.lastEnqueuedAt ? when(e.lastEnqueuedAt, nowMs) : "never";
  const extra = [last.outcome, last.manual ? "manual" : "", last.timing === "late" ? "late" : ""].filter(Boolean);
  return `${when(last.enqueuedAt, nowMs)} ${extra.join(", ")}`;
}

/** The status table of `vigil cron status`; with colour, each row's status word (first column) is coloured. */
export function cronStatusTable(entries: CronEntryStatus[], nowMs: number, color: boolean): string {
  const text = table(
    [
      { header: "STATUS" },
      { header: "SPEC" },
      { header: "IN WORDS" },
      { header: "TYPE" },
      { header: "QUEUE" },
      { header: "LAST RUN" },
      { header: "NEXT RUN" },
      { header: "RUNS", align: "right" },
      { header: "MISSED", align: "right" },
      { header: "LATE", align: "right" },
      { header: "FAILS", align: "right" },
      { header: "ENTRY ID" },
    ],
    entries.map((e) => [
      e.status,
      e.spec,
      e.specInWords,
      e.taskType,
      e.queue,
      lastRunCell(e, nowMs),
      e.nextRuns[0] ? when(e.nextRuns[0], nowMs) : e.live ? "never" : "-",
      `${e.actual}/${e.expected}`,
      String(e.missed),
      String(e.late),
      String(e.consecutiveFailures),
      e.id,
    ]),
    { color },
  );
  if (!color) return text;
  // table() strips control characters from cells, so the colour goes on after the layout is done.
  const lines = text.split("\n");
  entries.forEach((e, i) => {
    const line = lines[i + 1];
    if (line?.startsWith(e.status)) lines[i + 1] = statusCell(e.status, true) + line.slice(e.status.length);
  });
  return lines.join("\n");
}

/** Turns the library's complaint about windowMs/graceMs into one naming the flag. */
function flagError(e: unknown): unknown {
  if (!isInvalidOptionError(e)) return e;
  const flag = { windowMs: "--window", graceMs: "--grace", location: "--location" }[e.option];
  return flag ? new UsageError(`${flag} ${JSON.stringify(e.given)} is not valid: ${e.accepted}`) : e;
}

/** Adds `status` and `run-now` to the existing `vigil cron` command (or creates it). */
export function registerCronMonitor(program: Command, run: Runner): void {
  const cron =
    program.commands.find((c) => c.name() === "cron") ??
    program.command("cron").description("cron entries of running schedulers (Go and Vigil)");
  cron
    .command("status")
    .description("health of every cron entry: missed and late ticks, last run and outcome, failures, next run")
    .option("--window <duration>", "how far back to look (Go duration: 24h, 90m)", "24h")
    .option("--grace <duration>", "how long after its tick a run still counts as on time", "60s")
    .option("--location <zone>", "zone of schedulers for specs without TZ= (Go's Scheduler Location)", "UTC")
    .addHelpText(
      "after",
      `
Status, by precedence: paused (queue paused) > scheduler-down (no scheduler publishes the entry) >
invalid > missed (latest judged tick had no run) > late (it ran after the grace) > failing (last run
failed) > never (spec never fires) > healthy.

Examples:
  vigil cron status
  vigil cron status --window 7h --grace 2m
  vigil cron status --json`,
    )
    .action(
      run(async (ctx, o: { window: string; grace: string; location: string }) => {
        let entries: CronEntryStatus[];
        try {
          entries = await ctx.inspector().cronStatus({ windowMs: o.window, graceMs: o.grace, location: o.location });
        } catch (e) {
          throw flagError(e);
        }
        if (ctx.json) return ctx.printJson(entries.map((e) => ({ ...e, payload: payloadJson(e.payload) })));
        if (entries.length === 0)
          return ctx.note("no cron entries: no scheduler publishes any, and none was seen in the last 7 days");
        const now = ctx.io.clock.nowMs();
        ctx.print(cronStatusTable(entries, now, ctx.color));
        for (const e of entries) {
          for (const w of e.warnings) ctx.note(`${e.id}: ${w}`);
          if (e.specError) ctx.note(`${e.id}: ${e.specError}`);
          if (!e.live) ctx.note(`${e.id}: not published since ${shortDuration(now - e.lastSeenAt.getTime())} ago`);
        }
      }),
    );
  cron
    .command("run-now")
    .argument("<entryId>", "entry id (see vigil cron status)")
    .description("enqueue an entry's task now with its options; recorded as a manual run, not as a tick")
    .addHelpText(
      "after",
      "\nExamples:\n  vigil cron run-now 6d4a48ce-d784-4320-8ce0-1f993cd7b57f\n  vigil --json cron run-now <entryId>",
    )
    .action(
      run(async (ctx, entryId: string) => {
        const info = await ctx.inspector().runCronEntryNow(entryId);
        if (ctx.json) return ctx.printJson(info);
        ctx.print(`enqueued ${info.type} as task ${info.id} in queue ${info.queue} (${info.state})`);
      }),
    );
}
