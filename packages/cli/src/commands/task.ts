// `vigil task ls|inspect|cancel|run|archive|delete|runall|archiveall|deleteall`: find and fix tasks.
import type { Command } from "commander";
import { isCorruptTaskInfo, type CorruptTaskInfo, type TaskInfo, type TaskState } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import type { CommandContext } from "../context.js";
import { payloadJson, payloadPreview, when } from "../output/format.js";
import { keyValues, table } from "../output/table.js";
import { confirmOrAbort, intOption, required, stateOption } from "./common.js";

type Listed = TaskInfo | CorruptTaskInfo;

/** Lists one page of a state (aggregating needs a group). */
export async function listTasks(
  ctx: CommandContext,
  queue: string,
  state: TaskState,
  group: string | undefined,
  page: number,
  size: number,
): Promise<Listed[]> {
  const i = ctx.inspector();
  const o = { page, size };
  switch (state) {
    case "pending":
      return i.listPendingTasks(queue, o);
    case "active":
      return i.listActiveTasks(queue, o);
    case "scheduled":
      return i.listScheduledTasks(queue, o);
    case "retry":
      return i.listRetryTasks(queue, o);
    case "archived":
      return i.listArchivedTasks(queue, o);
    case "completed":
      return i.listCompletedTasks(queue, o);
    case "aggregating":
      return i.listAggregatingTasks(
        queue,
        required(group, "--group", "vigil task ls -q default -s aggregating -g digest"),
        o,
      );
  }
}

/** A task as stable JSON for scripts. */
export function taskJson(t: Listed): Record<string, unknown> {
  if (isCorruptTaskInfo(t)) return { ...t };
  return { ...t, payload: payloadJson(t.payload), result: payloadJson(t.result) };
}

/** The table of a task page; columns depend on the state. */
export function taskTable(tasks: Listed[], state: TaskState, nowMs: number, color: boolean): string {
  const timeHeader: Partial<Record<TaskState, string>> = {
    scheduled: "PROCESS AT",
    retry: "NEXT RETRY",
    archived: "LAST FAILED",
    completed: "COMPLETED",
  };
  const th = timeHeader[state];
  const cols = [
    { header: "ID" },
    { header: "TYPE" },
    { header: "PAYLOAD" },
    { header: "RETRIED", align: "right" as const },
    ...(th ? [{ header: th }] : []),
    ...(state === "active" ? [{ header: "ORPHANED" }] : []),
    { header: "LAST ERROR" },
  ];
  const rows = tasks.map((t) => {
    if (isCorruptTaskInfo(t))
      return [t.id, "CORRUPT", t.reason, "", ...(th ? [""] : []), ...(state === "active" ? [""] : []), t.key];
    const time = state === "archived" ? t.lastFailedAt : state === "completed" ? t.completedAt : t.nextProcessAt;
    return [
      t.id,
      t.type,
      payloadPreview(t.payload, 40),
      `${t.retried}/${t.maxRetry}`,
      ...(th ? [when(time, nowMs)] : []),
      ...(state === "active" ? [t.isOrphaned ? "yes" : ""] : []),
      t.lastErr.length > 60 ? `${t.lastErr.slice(0, 59)}…` : t.lastErr,
    ];
  });
  return table(cols, rows, { color });
}

/** Every detail of one task, as key/value lines. */
export function taskDetail(t: TaskInfo, nowMs: number, color: boolean): string {
  const payload = payloadPreview(t.payload, 2000);
  return keyValues(
    [
      ["id", t.id],
      ["queue", t.queue],
      ["type", t.type],
      ["state", t.state + (t.isOrphaned ? " (orphaned: lease expired)" : "")],
      ["payload", payload || "(empty)"],
      ...(Object.keys(t.headers).length ? ([["headers", JSON.stringify(t.headers)]] as [string, string][]) : []),
      ["retried", `${t.retried} of max ${t.maxRetry}`],
      ["last error", t.lastErr || "-"],
      ["last failed at", when(t.lastFailedAt, nowMs) || "-"],
      ["next process at", when(t.nextProcessAt, nowMs) || "-"],
      ["timeout", t.timeoutSeconds ? `${t.timeoutSeconds}s` : "-"],
      ["deadline", when(t.deadline, nowMs) || "-"],
      ["group", t.group || "-"],
      ["retention", t.retentionSeconds ? `${t.retentionSeconds}s` : "-"],
      ["completed at", when(t.completedAt, nowMs) || "-"],
      ["result", t.result ? payloadPreview(t.result, 2000) : "-"],
    ],
    { color },
  );
}

const bulk = {
  runall: { states: ["scheduled", "retry", "archived", "aggregating"] as TaskState[], verb: "run" },
  archiveall: { states: ["pending", "scheduled", "retry", "aggregating"] as TaskState[], verb: "archive" },
  deleteall: {
    states: ["pending", "scheduled", "retry", "archived", "completed", "aggregating"] as TaskState[],
    verb: "delete",
  },
} as const;

async function runBulk(
  ctx: CommandContext,
  kind: keyof typeof bulk,
  q: string,
  state: TaskState,
  g?: string,
): Promise<number> {
  const i = ctx.inspector();
  const group = () => required(g, "--group", `vigil task ${kind} -q ${q} -s aggregating -g GROUP`);
  const call: Record<string, () => Promise<number>> = {
    "runall:scheduled": () => i.runAllScheduledTasks(q),
    "runall:retry": () => i.runAllRetryTasks(q),
    "runall:archived": () => i.runAllArchivedTasks(q),
    "runall:aggregating": () => i.runAllAggregatingTasks(q, group()),
    "archiveall:pending": () => i.archiveAllPendingTasks(q),
    "archiveall:scheduled": () => i.archiveAllScheduledTasks(q),
    "archiveall:retry": () => i.archiveAllRetryTasks(q),
    "archiveall:aggregating": () => i.archiveAllAggregatingTasks(q, group()),
    "deleteall:pending": () => i.deleteAllPendingTasks(q),
    "deleteall:scheduled": () => i.deleteAllScheduledTasks(q),
    "deleteall:retry": () => i.deleteAllRetryTasks(q),
    "deleteall:archived": () => i.deleteAllArchivedTasks(q),
    "deleteall:completed": () => i.deleteAllCompletedTasks(q),
    "deleteall:aggregating": () => i.deleteAllAggregatingTasks(q, group()),
  };
  return call[`${kind}:${state}`]!();
}

async function affected(ctx: CommandContext, q: string, state: TaskState, g?: string): Promise<number> {
  if (state === "aggregating") {
    const groups = await ctx.inspector().groups(q);
    return groups.find((x) => x.group === g)?.size ?? 0;
  }
  const info = await ctx.inspector().getQueueInfo(q);
  return info[state];
}

/** Registers `vigil task ...`. */
export function registerTask(program: Command, run: Runner): void {
  const task = program.command("task").description("list, inspect, run, archive, delete and cancel tasks");

  task
    .command("ls")
    .alias("list")
    .requiredOption("-q, --queue <queue>", "queue name")
    .requiredOption("-s, --state <state>", "pending, active, scheduled, retry, archived, completed or aggregating")
    .option("-g, --group <group>", "group name (needed for aggregating)")
    .option("--page <n>", "page number, from 1", "1")
    .option("--size <n>", "tasks per page", "30")
    .description("list tasks of a queue in one state (pending and active: oldest first)")
    .addHelpText(
      "after",
      "\nExamples:\n  vigil task ls -q critical -s retry\n  vigil task ls -q default -s archived --page 2 --size 100 --json",
    )
    .action(
      run(async (ctx, o: { queue: string; state: string; group?: string; page: string; size: string }) => {
        const state = stateOption(o.state);
        const page = intOption("--page", o.page, 1, 1_000_000);
        const size = intOption("--size", o.size, 1, 10_000);
        const tasks = await listTasks(ctx, o.queue, state, o.group, page, size);
        if (ctx.json) return ctx.printJson(tasks.map(taskJson));
        if (tasks.length === 0) return ctx.note(`no ${state} tasks in ${o.queue} on page ${page}`);
        ctx.print(taskTable(tasks, state, ctx.io.clock.nowMs(), ctx.color));
      }),
    );

  task
    .command("inspect")
    .argument("[id]", "task id (or use -i)")
    .requiredOption("-q, --queue <queue>", "queue name")
    .option("-i, --id <id>", "task id")
    .description("show everything about one task")
    .addHelpText("after", "\nExamples:\n  vigil task inspect -q critical -i retry-payment-55")
    .action(
      run(async (ctx, idArg: string | undefined, o: { queue: string; id?: string }) => {
        const id = required(idArg ?? o.id, "a task id", "vigil task inspect -q default -i <id>");
        const t = await ctx.inspector().getTaskInfo(o.queue, id);
        if (ctx.json) return ctx.printJson(taskJson(t));
        ctx.print(taskDetail(t, ctx.io.clock.nowMs(), ctx.color));
      }),
    );

  task
    .command("cancel")
    .argument("<id...>", "ids of active tasks")
    .description("ask the server running these tasks to cancel them (they then follow their retry policy)")
    .action(
      run(async (ctx, ids: string[]) => {
        for (const id of ids) await ctx.inspector().cancelProcessing(id);
        if (ctx.json) return ctx.printJson({ cancelRequested: ids });
        ctx.print(`cancellation sent for ${ids.length} task(s)`);
      }),
    );

  for (const [verb, describe] of [
    ["run", "move tasks to pending so a worker runs them now"],
    ["archive", "move tasks to archived (kept, not run)"],
    ["delete", "delete tasks for good"],
  ] as const) {
    const c = task
      .command(verb)
      .argument("[ids...]", "task ids (or use -i)")
      .requiredOption("-q, --queue <queue>", "queue name")
      .option("-i, --id <id>", "task id")
      .description(describe)
      .addHelpText(
        "after",
        `\nExamples:\n  vigil task ${verb} -q critical -i retry-payment-55\n  vigil task ${verb} -q default id1 id2 id3`,
      );
    if (verb === "delete") c.aliases(["rm", "remove"]);
    c.action(
      run(async (ctx, ids: string[], o: { queue: string; id?: string }) => {
        const all = [...ids, ...(o.id ? [o.id] : [])];
        required(all[0], "a task id", `vigil task ${verb} -q ${o.queue} -i <id>`);
        if (verb === "delete") await confirmOrAbort(ctx, `Delete ${all.length} task(s) from ${o.queue}?`);
        const i = ctx.inspector();
        for (const id of all) {
          if (verb === "run") await i.runTask(o.queue, id);
          else if (verb === "archive") await i.archiveTask(o.queue, id);
          else await i.deleteTask(o.queue, id);
        }
        if (ctx.json) return ctx.printJson({ [verb === "run" ? "ran" : `${verb}d`]: all });
        ctx.print(
          `${verb === "run" ? "moved to pending" : verb === "archive" ? "archived" : "deleted"}: ${all.join(", ")}`,
        );
      }),
    );
  }

  for (const [kind, spec] of Object.entries(bulk) as [keyof typeof bulk, (typeof bulk)[keyof typeof bulk]][]) {
    task
      .command(kind)
      .requiredOption("-q, --queue <queue>", "queue name")
      .requiredOption("-s, --state <state>", spec.states.join(", "))
      .option("-g, --group <group>", "group name (for aggregating)")
      .option("--dry-run", "only say how many tasks would be affected")
      .description(`${spec.verb} every task of a queue in one state`)
      .addHelpText(
        "after",
        `\nExamples:\n  vigil task ${kind} -q default -s ${spec.states[0]} --dry-run\n  vigil task ${kind} -q default -s ${spec.states[0]} --yes`,
      )
      .action(
        run(async (ctx, o: { queue: string; state: string; group?: string; dryRun?: boolean }) => {
          const state = stateOption(o.state, spec.states);
          const n = await affected(ctx, o.queue, state, o.group);
          if (o.dryRun) {
            if (ctx.json) return ctx.printJson({ dryRun: true, wouldAffect: n });
            return ctx.print(`would ${spec.verb} ${n} ${state} task(s) in ${o.queue} (dry run, nothing changed)`);
          }
          if (kind !== "runall" || n > 1000)
            await confirmOrAbort(ctx, `${spec.verb} ${n} ${state} task(s) in ${o.queue}?`);
          if (!ctx.json) ctx.note(`${spec.verb}: ${n} ${state} task(s) in ${o.queue}…`);
          const done = await runBulk(ctx, kind, o.queue, state, o.group);
          if (ctx.json) return ctx.printJson({ [spec.verb === "run" ? "ran" : `${spec.verb}d`]: done });
          ctx.print(
            `${spec.verb === "run" ? "moved to pending" : spec.verb === "archive" ? "archived" : "deleted"} ${done} task(s)`,
          );
        }),
      );
  }
}
