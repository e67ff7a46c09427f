// `vigil stats`, `vigil server ls`, `vigil group ls`, `vigil cron ls|history`: the fleet at a glance.
import type { Command } from "commander";
import { isCorruptEntry } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import { bytes, count, payloadJson, payloadPreview, shortDuration, when } from "../output/format.js";
import { table } from "../output/table.js";
import { intOption } from "./common.js";
import { queueInfos, queueTable } from "./queue.js";

/** Registers stats, server, group and cron commands. */
export function registerFleet(program: Command, run: Runner): void {
  program
    .command("stats")
    .description("totals per state across queues, per-queue counts and today's processed/failed")
    .addHelpText("after", "\nExamples:\n  vigil stats\n  vigil stats --json")
    .action(
      run(async (ctx) => {
        const infos = await queueInfos(ctx);
        const states = [
          "active",
          "pending",
          "aggregating",
          "scheduled",
          "retry",
          "archived",
          "completed",
          "processed",
          "failed",
        ] as const;
        const aggregate = Object.fromEntries(states.map((s) => [s, infos.reduce((n, i) => n + i[s], 0)]));
        const redis = await ctx.inspector().redisInfo();
        if (ctx.json)
          return ctx.printJson({
            aggregate: { ...aggregate, timestamp: new Date(ctx.io.clock.nowMs()) },
            queues: infos,
            redis,
          });
        ctx.print(
          table(
            states.map((s) => ({ header: s.toUpperCase(), align: "right" as const })),
            [states.map((s) => count(aggregate[s]!))],
            { color: ctx.color },
          ),
        );
        if (infos.length) ctx.print(queueTable(infos, ctx.color));
        ctx.print(
          table(
            [
              { header: "REDIS" },
              { header: "ROLE" },
              { header: "VERSION" },
              { header: "UPTIME", align: "right" },
              { header: "CLIENTS", align: "right" },
              { header: "MEMORY", align: "right" },
              { header: "PEAK", align: "right" },
              { header: "MAXMEMORY", align: "right" },
            ],
            redis.map((r) => [
              r.address,
              r.role,
              r.version,
              shortDuration(r.uptimeSeconds * 1000),
              count(r.connectedClients),
              bytes(r.usedMemoryBytes),
              bytes(r.usedMemoryPeakBytes),
              r.maxMemoryBytes ? bytes(r.maxMemoryBytes) : "none",
            ]),
            { color: ctx.color },
          ),
        );
      }),
    );

  const server = program.command("server").description("servers (Go and Vigil) that are heartbeating");
  server
    .command("ls")
    .alias("list")
    .description("list live servers with their queues and running tasks")
    .action(
      run(async (ctx) => {
        const servers = await ctx.inspector().servers();
        if (ctx.json)
          return ctx.printJson(
            servers.map((s) =>
              isCorruptEntry(s)
                ? s
                : {
                    ...s,
                    activeWorkers: s.activeWorkers.map((w) => ({ ...w, taskPayload: payloadJson(w.taskPayload) })),
                  },
            ),
          );
        if (servers.length === 0) return ctx.note("no live servers: no worker has sent a heartbeat in the last 10 s");
        const now = ctx.io.clock.nowMs();
        ctx.print(
          table(
            [
              { header: "HOST" },
              { header: "PID", align: "right" },
              { header: "STATUS" },
              { header: "QUEUES" },
              { header: "BUSY", align: "right" },
              { header: "UPTIME" },
              { header: "ID" },
            ],
            servers.map((s) =>
              isCorruptEntry(s)
                ? ["CORRUPT", "", "", s.reason, "", "", s.key]
                : [
                    s.host,
                    String(s.pid),
                    s.status,
                    Object.entries(s.queues)
                      .map(([q, p]) => `${q}:${p}`)
                      .join(" ") + (s.strictPriority ? " (strict)" : ""),
                    `${s.activeWorkers.length}/${s.concurrency}`,
                    s.started ? shortDuration(now - s.started.getTime()) : "",
                    s.id,
                  ],
            ),
            { color: ctx.color },
          ),
        );
      }),
    );

  const group = program.command("group").description("aggregation groups");
  group
    .command("ls")
    .alias("list")
    .requiredOption("-q, --queue <queue>", "queue name")
    .description("list groups of a queue with their sizes")
    .action(
      run(async (ctx, o: { queue: string }) => {
        const groups = await ctx.inspector().groups(o.queue);
        if (ctx.json) return ctx.printJson(groups);
        if (groups.length === 0) return ctx.note(`no groups in ${o.queue}`);
        ctx.print(
          table(
            [{ header: "GROUP" }, { header: "SIZE", align: "right" }],
            groups.map((g) => [g.group, count(g.size)]),
            { color: ctx.color },
          ),
        );
      }),
    );

  const cron = program.command("cron").description("cron entries of running schedulers (Go and Vigil)");
  cron
    .command("ls")
    .alias("list")
    .description("list cron entries with their next and previous runs")
    .action(
      run(async (ctx) => {
        const entries = await ctx.inspector().schedulerEntries();
        if (ctx.json)
          return ctx.printJson(
            entries.map((e) => (isCorruptEntry(e) ? e : { ...e, taskPayload: payloadJson(e.taskPayload) })),
          );
        if (entries.length === 0) return ctx.note("no cron entries: no scheduler has sent a heartbeat recently");
        const now = ctx.io.clock.nowMs();
        ctx.print(
          table(
            [
              { header: "ENTRY ID" },
              { header: "SPEC" },
              { header: "TYPE" },
              { header: "PAYLOAD" },
              { header: "OPTIONS" },
              { header: "NEXT" },
              { header: "PREV" },
            ],
            entries.map((e) =>
              isCorruptEntry(e)
                ? ["CORRUPT", "", "", e.reason, "", "", e.key]
                : [
                    e.id,
                    e.spec,
                    e.taskType,
                    payloadPreview(e.taskPayload, 30),
                    e.optionStrings.join(" "),
                    when(e.next, now) || "never",
                    when(e.prev, now) || "never",
                  ],
            ),
            { color: ctx.color },
          ),
        );
      }),
    );
  cron
    .command("history")
    .argument("<entryId...>", "entry ids (see vigil cron ls)")
    .option("--page <n>", "page number", "1")
    .option("--size <n>", "events per page", "30")
    .description("when each entry enqueued its tasks, newest first")
    .action(
      run(async (ctx, ids: string[], o: { page: string; size: string }) => {
        const page = intOption("--page", o.page, 1, 1_000_000);
        const size = intOption("--size", o.size, 1, 1000);
        const all = await Promise.all(ids.map((id) => ctx.inspector().listSchedulerEnqueueEvents(id, { page, size })));
        if (ctx.json) return ctx.printJson(Object.fromEntries(ids.map((id, i) => [id, all[i]])));
        const now = ctx.io.clock.nowMs();
        for (const [i, id] of ids.entries()) {
          ctx.print(`${id}:`);
          const events = all[i]!;
          ctx.print(
            table(
              [{ header: "ENQUEUED AT" }, { header: "TASK ID" }],
              events.map((e) =>
                isCorruptEntry(e) ? [`CORRUPT: ${e.reason}`, e.key] : [when(e.enqueuedAt, now), e.taskId],
              ),
              { color: ctx.color },
            ),
          );
        }
      }),
    );
}
