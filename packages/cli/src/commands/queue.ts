// `vigil queue ls|inspect|history|pause|unpause|rm`: queues with their counts, history and lifecycle.
import type { Command } from "commander";
import type { QueueInfo } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import type { CommandContext } from "../context.js";
import { bytes, count, percent, shortDuration } from "../output/format.js";
import { keyValues, table } from "../output/table.js";
import { confirmOrAbort, intOption } from "./common.js";

/** Reads every queue's info, in name order. */
export async function queueInfos(ctx: CommandContext): Promise<QueueInfo[]> {
  const names = (await ctx.inspector().queues()).sort();
  return Promise.all(names.map((q) => ctx.inspector().getQueueInfo(q)));
}

/** One table row per queue: the state counts operators look at first. */
export function queueTable(infos: QueueInfo[], color: boolean): string {
  return table(
    [
      { header: "QUEUE" },
      { header: "STATE" },
      { header: "SIZE", align: "right" },
      { header: "PENDING", align: "right" },
      { header: "ACTIVE", align: "right" },
      { header: "SCHEDULED", align: "right" },
      { header: "RETRY", align: "right" },
      { header: "ARCHIVED", align: "right" },
      { header: "COMPLETED", align: "right" },
      { header: "AGGREGATING", align: "right" },
      { header: "PROCESSED", align: "right" },
      { header: "FAILED", align: "right" },
      { header: "ERROR%", align: "right" },
      { header: "LATENCY", align: "right" },
      { header: "MEMORY", align: "right" },
    ],
    infos.map((i) => [
      i.queue,
      i.paused ? "paused" : "run",
      count(i.size),
      count(i.pending),
      count(i.active),
      count(i.scheduled),
      count(i.retry),
      count(i.archived),
      count(i.completed),
      count(i.aggregating),
      count(i.processed),
      count(i.failed),
      percent(i.failed, i.processed),
      i.pending ? shortDuration(i.latencyMs) : "",
      bytes(i.memoryUsage),
    ]),
    { color },
  );
}

/** Registers `vigil queue ...`. */
export function registerQueue(program: Command, run: Runner): void {
  const queue = program.command("queue").description("list, inspect, pause, resume and remove queues");

  queue
    .command("ls")
    .alias("list")
    .description("list queues with their task counts (today's processed/failed, UTC)")
    .addHelpText("after", "\nExamples:\n  vigil queue ls\n  vigil queue ls --json | jq '.[] | select(.retry > 0)'")
    .action(
      run(async (ctx) => {
        const infos = await queueInfos(ctx);
        if (ctx.json) return ctx.printJson(infos);
        if (infos.length === 0) return ctx.note("no queues (nothing has been enqueued on this Redis yet)");
        ctx.print(queueTable(infos, ctx.color));
      }),
    );

  queue
    .command("inspect")
    .argument("<queue...>", "queue names")
    .description("show one or more queues in detail")
    .addHelpText("after", "\nExamples:\n  vigil queue inspect critical default")
    .action(
      run(async (ctx, names: string[]) => {
        const infos = await Promise.all(names.map((q) => ctx.inspector().getQueueInfo(q)));
        if (ctx.json) return ctx.printJson(infos);
        ctx.print(
          infos
            .map((i) =>
              keyValues(
                [
                  ["queue", i.queue],
                  ["paused", i.paused ? "yes" : "no"],
                  ["size", count(i.size)],
                  ["pending", count(i.pending)],
                  ["active", count(i.active)],
                  ["scheduled", count(i.scheduled)],
                  ["retry", count(i.retry)],
                  ["archived", count(i.archived)],
                  ["completed", count(i.completed)],
                  ["aggregating", `${count(i.aggregating)} in ${count(i.groups)} groups`],
                  ["processed today", count(i.processed)],
                  ["failed today", `${count(i.failed)} (${percent(i.failed, i.processed)})`],
                  ["processed total", count(i.processedTotal)],
                  ["failed total", count(i.failedTotal)],
                  ["latency", i.pending ? shortDuration(i.latencyMs) : "no pending tasks"],
                  ["memory (approx.)", bytes(i.memoryUsage)],
                ],
                { color: ctx.color },
              ),
            )
            .join("\n"),
        );
      }),
    );

  queue
    .command("history")
    .argument("<queue...>", "queue names")
    .option("-x, --days <n>", "number of days, today first", "10")
    .description("daily processed and failed counts (UTC days)")
    .addHelpText("after", "\nExamples:\n  vigil queue history default --days 30")
    .action(
      run(async (ctx, names: string[], opts: { days: string }) => {
        const days = intOption("--days", opts.days, 1, 90);
        const all = await Promise.all(names.map((q) => ctx.inspector().history(q, days)));
        if (ctx.json) return ctx.printJson(Object.fromEntries(names.map((q, i) => [q, all[i]])));
        for (const [i, q] of names.entries()) {
          ctx.print(`${q}:`);
          ctx.print(
            table(
              [
                { header: "DATE" },
                { header: "PROCESSED", align: "right" },
                { header: "SUCCEEDED", align: "right" },
                { header: "FAILED", align: "right" },
                { header: "ERROR%", align: "right" },
              ],
              all[i]!.map((d) => [
                d.date,
                count(d.processed),
                count(d.processed - d.failed),
                count(d.failed),
                percent(d.failed, d.processed),
              ]),
              { color: ctx.color },
            ),
          );
        }
      }),
    );

  queue
    .command("pause")
    .argument("<queue...>", "queue names")
    .description("stop workers (Go and Vigil) from taking tasks from these queues")
    .action(
      run(async (ctx, names: string[]) => {
        for (const q of names) await ctx.inspector().pauseQueue(q);
        if (ctx.json) return ctx.printJson({ paused: names });
        ctx.print(`paused: ${names.join(", ")}`);
      }),
    );

  queue
    .command("unpause")
    .alias("resume")
    .argument("<queue...>", "queue names")
    .description("let workers take tasks from these queues again")
    .action(
      run(async (ctx, names: string[]) => {
        for (const q of names) await ctx.inspector().unpauseQueue(q);
        if (ctx.json) return ctx.printJson({ unpaused: names });
        ctx.print(`resumed: ${names.join(", ")}`);
      }),
    );

  queue
    .command("rm")
    .aliases(["remove", "delete"])
    .argument("<queue...>", "queue names")
    .option("-f, --force", "also delete its pending, scheduled, retry and archived tasks")
    .description("remove empty queues (with --force: and their tasks; never a queue with active tasks)")
    .addHelpText("after", "\nExamples:\n  vigil queue rm old-queue\n  vigil queue rm staging --force --yes")
    .action(
      run(async (ctx, names: string[], opts: { force?: boolean }) => {
        if (opts.force) await confirmOrAbort(ctx, `Remove ${names.join(", ")} and ALL their tasks?`);
        for (const q of names) await ctx.inspector().deleteQueue(q, Boolean(opts.force));
        if (ctx.json) return ctx.printJson({ removed: names });
        ctx.print(`removed: ${names.join(", ")}`);
      }),
    );
}
