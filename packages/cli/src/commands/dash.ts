// `vigil dash`: a live terminal dashboard for SSH-only moments — queues with rates, servers, recent failures, cron.
// Keys: 1-4 or Tab switch views, r refreshes now, q or Ctrl-C quits. `--once` prints one frame and exits.
import type { Command } from "commander";
import picocolors from "picocolors";
import { isCorruptEntry, isCorruptTaskInfo, type QueueInfo, type TaskInfo } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { count, payloadPreview, percent, shortDuration, when } from "../output/format.js";
import { table } from "../output/table.js";
import { queueInfos } from "./queue.js";

/** The dashboard's views, in key order. */
export const VIEWS = ["queues", "servers", "failures", "cron"] as const;
/** One dashboard view. */
export type View = (typeof VIEWS)[number];

/** Processed-per-second rates from two successive queue snapshots. */
export function rates(prev: QueueInfo[] | undefined, cur: QueueInfo[], seconds: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const q of cur) {
    const p = prev?.find((x) => x.queue === q.queue);
    out.set(q.queue, p && seconds > 0 ? Math.max(0, (q.processedTotal - p.processedTotal) / seconds) : NaN);
  }
  return out;
}

async function recentFailures(ctx: CommandContext, queues: QueueInfo[]): Promise<TaskInfo[]> {
  const i = ctx.inspector();
  const lists = await Promise.all(
    queues.flatMap((q) => [
      q.retry ? i.listRetryTasks(q.queue, { size: 10 }) : Promise.resolve([]),
      q.archived ? i.listArchivedTasks(q.queue, { page: 1, size: 10 }) : Promise.resolve([]),
    ]),
  );
  return lists
    .flat()
    .filter((t): t is TaskInfo => !isCorruptTaskInfo(t))
    .sort((a, b) => (b.lastFailedAt?.getTime() ?? 0) - (a.lastFailedAt?.getTime() ?? 0))
    .slice(0, 15);
}

/** Renders one frame of `view` as text (no screen control codes). */
export async function renderFrame(
  ctx: CommandContext,
  view: View,
  state: { prev?: QueueInfo[]; prevAt?: number },
  color: boolean,
): Promise<string> {
  const now = ctx.io.clock.nowMs();
  const infos = await queueInfos(ctx);
  const r = rates(state.prev, infos, state.prevAt ? (now - state.prevAt) / 1000 : 0);
  state.prev = infos;
  state.prevAt = now;
  const tabs = VIEWS.map((v, i) =>
    v === view
      ? color
        ? picocolors.createColors(true).inverse(` ${i + 1} ${v} `)
        : `[${i + 1} ${v}]`
      : ` ${i + 1} ${v} `,
  ).join(" ");
  const head = `vigil dash — ${ctx.connection.display} — ${new Date(now).toISOString().slice(0, 19)}Z\n${tabs}\n\n`;
  let body = "";
  if (view === "queues") {
    body = table(
      [
        { header: "QUEUE" },
        { header: "STATE" },
        { header: "PENDING", align: "right" },
        { header: "ACTIVE", align: "right" },
        { header: "SCHEDULED", align: "right" },
        { header: "RETRY", align: "right" },
        { header: "ARCHIVED", align: "right" },
        { header: "DONE/S", align: "right" },
        { header: "ERROR% TODAY", align: "right" },
        { header: "LATENCY", align: "right" },
      ],
      infos.map((q) => [
        q.queue,
        q.paused ? "paused" : "run",
        count(q.pending),
        count(q.active),
        count(q.scheduled),
        count(q.retry),
        count(q.archived),
        Number.isNaN(r.get(q.queue)) ? "…" : r.get(q.queue)!.toFixed(1),
        percent(q.failed, q.processed),
        q.pending ? shortDuration(q.latencyMs) : "",
      ]),
      { color },
    );
    if (infos.length === 0) body = "no queues yet\n";
  } else if (view === "servers") {
    const servers = await ctx.inspector().servers();
    body = servers.length
      ? table(
          [
            { header: "HOST" },
            { header: "PID", align: "right" },
            { header: "STATUS" },
            { header: "BUSY", align: "right" },
            { header: "QUEUES" },
            { header: "UPTIME" },
          ],
          servers.map((s) =>
            isCorruptEntry(s)
              ? ["CORRUPT", "", s.reason, "", s.key, ""]
              : [
                  s.host,
                  String(s.pid),
                  s.status,
                  `${s.activeWorkers.length}/${s.concurrency}`,
                  Object.keys(s.queues).join(","),
                  s.started ? shortDuration(now - s.started.getTime()) : "",
                ],
          ),
          { color },
        )
      : "NO LIVE SERVERS — no worker heartbeat in the last 10 s\n";
  } else if (view === "failures") {
    const failed = await recentFailures(ctx, infos);
    body = failed.length
      ? table(
          [
            { header: "WHEN" },
            { header: "QUEUE" },
            { header: "STATE" },
            { header: "TYPE" },
            { header: "ID" },
            { header: "ERROR" },
            { header: "PAYLOAD" },
          ],
          failed.map((t) => [
            when(t.lastFailedAt, now),
            t.queue,
            t.state,
            t.type,
            t.id,
            t.lastErr.slice(0, 50),
            payloadPreview(t.payload, 30),
          ]),
          { color },
        )
      : "no retry or archived tasks\n";
  } else {
    const entries = await ctx.inspector().schedulerEntries();
    body = entries.length
      ? table(
          [{ header: "SPEC" }, { header: "TYPE" }, { header: "NEXT" }, { header: "PREV" }],
          entries.map((e) =>
            isCorruptEntry(e)
              ? ["CORRUPT", e.reason, e.key, ""]
              : [e.spec, e.taskType, when(e.next, now) || "never", when(e.prev, now) || "never"],
          ),
          { color },
        )
      : "no cron entries (no scheduler heartbeat)\n";
  }
  return `${head}${body}\nkeys: 1-4/Tab view · r refresh · q quit\n`;
}

function parseRefresh(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s);
  const ms = m ? Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000) : NaN;
  if (!(ms >= 1000))
    throw new UsageError(`--refresh must be a duration of at least 1s, e.g. 2s or 1500ms (got ${JSON.stringify(s)})`);
  return ms;
}

/** Registers `vigil dash`. */
export function registerDash(program: Command, run: Runner): void {
  program
    .command("dash")
    .option("--refresh <duration>", "refresh interval (>= 1s)", "2s")
    .option("--view <view>", `first view: ${VIEWS.join(", ")}`, "queues")
    .option("--once", "print one frame and exit (no screen control)")
    .description("live terminal dashboard: queues with rates, servers, recent failures, cron")
    .addHelpText(
      "after",
      "\nExamples:\n  vigil dash\n  vigil dash --view failures --refresh 5s\n  vigil dash --once --view servers",
    )
    .action(
      run(async (ctx, o: { refresh: string; view: string; once?: boolean }) => {
        const every = parseRefresh(o.refresh);
        if (!(VIEWS as readonly string[]).includes(o.view))
          throw new UsageError(`--view must be one of ${VIEWS.join(", ")} (got ${JSON.stringify(o.view)})`);
        let view = o.view as View;
        const state: { prev?: QueueInfo[]; prevAt?: number } = {};
        if (o.once || !process.stdin.isTTY) {
          ctx.print(await renderFrame(ctx, view, state, ctx.color));
          return;
        }
        const stdin = process.stdin;
        stdin.setRawMode(true);
        stdin.resume();
        ctx.io.out("\u001b[?1049h\u001b[?25l");
        let stop!: () => void;
        const stopped = new Promise<void>((r) => (stop = r));
        let timer: NodeJS.Timeout | undefined;
        const draw = async () => {
          clearTimeout(timer);
          try {
            const frame = await renderFrame(ctx, view, state, ctx.color);
            ctx.io.out(`\u001b[H\u001b[2J${frame}`);
          } catch (e) {
            ctx.io.out(`\u001b[H\u001b[2Jvigil dash: ${(e as Error).message}\nretrying…\n`);
          }
          timer = setTimeout(draw, every);
        };
        const onKey = (k: Buffer) => {
          const key = k.toString();
          if (key === "q" || key === "\u0003") return stop();
          if (key === "\t") view = VIEWS[(VIEWS.indexOf(view) + 1) % VIEWS.length]!;
          else if (/^[1-4]$/.test(key)) view = VIEWS[Number(key) - 1]!;
          else if (key !== "r") return;
          void draw();
        };
        stdin.on("data", onKey);
        await draw();
        await stopped;
        clearTimeout(timer);
        stdin.off("data", onKey);
        stdin.setRawMode(false);
        stdin.pause();
        ctx.io.out("\u001b[?25h\u001b[?1049l");
      }),
    );
}
