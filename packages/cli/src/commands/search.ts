// `vigil search`: find tasks in a queue and state by type, payload text, JSON field, error text and time range.
// Streams matches as they are found (table rows, or one JSON object per line with --json); never blocks Redis.
import type { Command } from "commander";
import { isCorruptTaskInfo, type SearchQuery, type SearchResult } from "@vigil/asynq";
import type { Runner } from "../runner.js";
import { UsageError } from "../errors.js";
import { count, payloadPreview, when } from "../output/format.js";
import { table } from "../output/table.js";
import { intOption, stateOption } from "./common.js";
import { taskJson } from "./task.js";

interface SearchFlags {
  queue: string;
  state: string;
  type?: string;
  typePrefix?: string;
  payload?: string;
  field?: string;
  error?: string;
  from?: string;
  to?: string;
  group?: string;
  limit: string;
  budget: string;
  cursor?: string;
}

function time(flag: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`${flag} must be an ISO-8601 time or epoch milliseconds (got ${JSON.stringify(v)})`);
  return d;
}

/** Builds the Inspector query from the flags. */
export function searchQuery(f: SearchFlags): SearchQuery {
  const q: SearchQuery = {};
  if (f.type) q.type = f.type;
  if (f.typePrefix) q.typePrefix = f.typePrefix;
  if (f.payload) q.payloadContains = f.payload;
  if (f.error) q.errorContains = f.error;
  if (f.group) q.group = f.group;
  if (f.field) {
    const eq = f.field.indexOf("=");
    if (eq <= 0)
      throw new UsageError(
        `--field must be path=value, e.g. user_id=42 or campaign.id=c-9 (got ${JSON.stringify(f.field)})`,
      );
    const raw = f.field.slice(eq + 1);
    let equals: NonNullable<SearchQuery["json"]>["equals"];
    try {
      equals = JSON.parse(raw);
    } catch {
      equals = raw;
    }
    q.json = { path: f.field.slice(0, eq), equals };
  }
  const from = time("--from", f.from);
  const to = time("--to", f.to);
  if (from) q.from = from;
  if (to) q.to = to;
  return q;
}

/** Registers `vigil search`. */
export function registerSearch(program: Command, run: Runner): void {
  program
    .command("search")
    .requiredOption("-q, --queue <queue>", "queue")
    .requiredOption("-s, --state <state>", "pending, active, scheduled, retry, archived, completed or aggregating")
    .option("-t, --type <type>", "exact task type")
    .option("--type-prefix <prefix>", "task type prefix, e.g. crawl_")
    .option("-p, --payload <text>", "text the payload contains")
    .option("-f, --field <path=value>", "JSON payload field equal to a value, e.g. campaign_id=812")
    .option("-e, --error <text>", "text the last error contains")
    .option("--from <time>", "earliest state time (ISO-8601 or epoch ms)")
    .option("--to <time>", "latest state time")
    .option("-g, --group <group>", "aggregating: only this group")
    .option("--limit <n>", "stop after this many matches (0 = all)", "100")
    .option("--budget <n>", "tasks examined per Redis round (keeps each call short)", "2000")
    .option("--cursor <cursor>", "continue a previous search")
    .description("find tasks by type, payload, JSON field, error text and time; streams matches as found")
    .addHelpText(
      "after",
      `
Examples:
  vigil search -q critical -s archived --error "card declined"
  vigil search -q default -s retry --type crawl_tiktok --from 2026-11-29T00:00:00Z
  vigil search -q notifications -s pending --field user_id=42 --json | jq .id`,
    )
    .action(
      run(async (ctx, f: SearchFlags) => {
        const state = stateOption(f.state);
        const limit = intOption("--limit", f.limit, 0, 10_000_000);
        const budget = intOption("--budget", f.budget, 1, 1_000_000);
        const query = searchQuery(f);
        const inspector = ctx.inspector();
        let cursor: string | null = f.cursor ?? null;
        let found = 0;
        let scanned = 0;
        let header = false;
        const now = ctx.io.clock.nowMs();
        do {
          const r: SearchResult = await inspector.search(f.queue, state, query, { cursor, budget });
          scanned += r.scanned;
          const take = limit ? r.matches.slice(0, limit - found) : r.matches;
          found += take.length;
          if (ctx.json) for (const m of take) ctx.io.out(JSON.stringify(taskJson(m)) + "\n");
          else if (take.length) {
            const rows = take.map((m) =>
              isCorruptTaskInfo(m)
                ? [m.id, "CORRUPT", m.reason, "", m.key]
                : [
                    m.id,
                    m.type,
                    payloadPreview(m.payload, 50),
                    when(m.lastFailedAt ?? m.nextProcessAt, now),
                    m.lastErr.slice(0, 50),
                  ],
            );
            const text = table(
              [
                { header: "ID" },
                { header: "TYPE" },
                { header: "PAYLOAD" },
                { header: "TIME" },
                { header: "LAST ERROR" },
              ],
              rows,
              { color: ctx.color },
            );
            ctx.io.out(header ? text.slice(text.indexOf("\n") + 1) : text);
            header = true;
          }
          if (ctx.io.isTty && !ctx.json)
            ctx.io.err(`\rscanned ${count(scanned)} of ~${count(r.total)}, ${count(found)} match(es)`);
          cursor = r.nextCursor;
          if (limit && found >= limit && cursor) {
            if (ctx.io.isTty && !ctx.json) ctx.io.err("\n");
            ctx.note(`stopped at --limit ${limit}; continue with --cursor '${cursor}'`);
            return;
          }
        } while (cursor !== null);
        if (ctx.io.isTty && !ctx.json) ctx.io.err("\n");
        ctx.note(`${found} match(es) among ${scanned} ${state} task(s) in ${f.queue}`);
      }),
    );
}
