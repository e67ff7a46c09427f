// Inspector search (a Vigil addition): a bounded, resumable scan of one queue state in small read-only
// Lua chunks, matching in Node. Each call examines at most `budget` tasks and returns a resume cursor.
import type { SearchResult } from "../../search-types.js";
import { type CorruptTaskInfo, type TaskInfo, type TaskState, toTaskInfo } from "../../task.js";
import * as keys from "../base/keys.js";
import { type TaskMessage, decodeTaskMessage } from "../base/message.js";
import { type Clock, unixSeconds } from "../clock.js";
import { type RedisConnection, type Reply, replyArray, replyInt, runScript } from "./run-script.js";
import { type SearchCursor, type SearchPlan, encodeCursor, matchesTask } from "./search-query.js";
import { scripts } from "./scripts/index.gen.js";

export { planSearch, DEFAULT_SEARCH_BUDGET, MAX_SEARCH_BUDGET, type SearchPlan } from "./search-query.js";

/**
 * Tasks fetched per script call. Each call does one HMGET per task, so a chunk costs well under a
 * millisecond or two of Redis time even on a 1M-task queue (see search-scale.int.test.ts).
 */
export const SEARCH_CHUNK = 256;
/** How far either side of its expected position a list scan looks for the last task it saw. */
export const LIST_ANCHOR_WINDOW = 256;

type Found = { id: Buffer; msg: TaskMessage; nextProcessAt: Date | null; orphaned: boolean } | CorruptTaskInfo;

/** What one scan pass collected. */
interface Scan {
  found: Found[];
  scanned: number;
  total: number;
  cursor: SearchCursor | null;
}

function text(r: Reply | undefined): string {
  return Buffer.isBuffer(r) ? r.toString("utf8") : String(r);
}

/** Decodes one fetched task; a missing hash, missing or undecodable msg, or an id mismatch is corrupt. */
function decode(
  plan: SearchPlan,
  id: Buffer,
  msg: Reply | undefined,
  state: Reply | undefined,
): TaskMessage | CorruptTaskInfo {
  const sid = id.toString("utf8");
  const corrupt = (reason: string): CorruptTaskInfo => ({
    corrupt: true,
    id: sid,
    queue: plan.queue,
    key: keys.taskKey(plan.queue, sid),
    reason,
    state: plan.state,
  });
  if (!Buffer.isBuffer(msg))
    return corrupt(Buffer.isBuffer(state) ? "task hash has no msg field" : "task hash is missing");
  let m: TaskMessage;
  try {
    m = decodeTaskMessage(msg);
  } catch (e) {
    return corrupt(`msg does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
  return m.id === sid ? m : corrupt(`msg holds task id ${JSON.stringify(m.id)}, not the listed id`);
}

/**
 * Runs chunk requests back to back: the next request goes out as soon as a reply arrives (`next` reads
 * the position from the raw reply), so Redis fetches chunk k+1 while Node decodes and matches chunk k.
 */
async function chunked<T>(
  first: T,
  fetch: (req: T) => Promise<Reply[]>,
  next: (r: Reply[], req: T) => T | null,
  handle: (r: Reply[]) => void,
): Promise<void> {
  let req: T | null = first;
  let inflight: Promise<Reply[]> | null = fetch(first);
  while (inflight !== null && req !== null) {
    const r: Reply[] = await inflight;
    req = next(r, req);
    inflight = req === null ? null : fetch(req);
    try {
      handle(r);
    } catch (e) {
      inflight?.catch(() => {});
      throw e;
    }
  }
}

/** Scans pending or active from the oldest end, by position with an anchor (see search-list-chunk-2.lua). */
async function scanList(redis: RedisConnection, plan: SearchPlan, clock: Clock): Promise<Scan> {
  const active = plan.state === "active";
  const listKey = active ? keys.activeKey(plan.queue) : keys.pendingKey(plan.queue);
  const c = plan.cursor?.kind === "list" ? plan.cursor : { pos: 0, anchor: Buffer.alloc(0) };
  const out: Scan = { found: [], scanned: 0, total: 0, cursor: null };
  const now = new Date(clock.nowMs());
  const nowS = unixSeconds(clock);
  type Req = { pos: number; anchor: Buffer; n: number };
  const fetch = async (q: Req): Promise<Reply[]> =>
    replyArray(
      await runScript(
        redis,
        scripts.searchListChunk,
        [listKey, keys.leaseKey(plan.queue)],
        [q.pos, q.anchor, q.n, keys.taskKeyPrefix(plan.queue), LIST_ANCHOR_WINDOW, active ? "1" : "0"],
      ),
    );
  const next = (r: Reply[], q: Req): Req | null => {
    const k = (r.length - 2) / 5;
    const pos = replyInt(r[0]!) + k;
    const anchor = k > 0 ? (r[r.length - 5] as Buffer) : q.anchor;
    out.total = replyInt(r[1]!);
    out.scanned += k;
    if (pos >= out.total) return null;
    if (out.scanned >= plan.budget) {
      out.cursor = { kind: "list", pos, anchor };
      return null;
    }
    return { pos, anchor, n: Math.min(SEARCH_CHUNK, plan.budget - out.scanned) };
  };
  const handle = (r: Reply[]): void => {
    for (let i = 2; i + 4 < r.length; i += 5) {
      const id = r[i] as Buffer;
      const m = decode(plan, id, r[i + 1], r[i + 2]);
      if ("corrupt" in m) {
        if (plan.includeCorrupt) out.found.push(m);
        continue;
      }
      const since = r[i + 3];
      const sinceMs = Buffer.isBuffer(since) && since.length > 0 ? Number(BigInt(text(since)) / 1_000_000n) : null;
      if (!matchesTask(plan, m, sinceMs)) continue;
      const lease = r[i + 4];
      const orphaned = active && Buffer.isBuffer(lease) && Number(text(lease)) <= nowS;
      out.found.push({ id, msg: m, nextProcessAt: active ? null : now, orphaned });
    }
  };
  await chunked({ ...c, n: Math.min(SEARCH_CHUNK, plan.budget) }, fetch, next, handle);
  return out;
}

/** Score bounds for a zset scan: the time range in whole seconds, when the score is the state time. */
function scoreRange(plan: SearchPlan): [string, string] {
  const min = plan.fromMs === undefined ? "-inf" : String(Math.ceil(plan.fromMs / 1000));
  if (plan.state === "completed") return [min, "+inf"]; // score = completed_at + retention >= completed_at
  const max = plan.toMs === undefined ? "+inf" : String(Math.floor(plan.toMs / 1000));
  return [min, max];
}

/** The zsets to walk, in order, with their group names ("" for a state zset). */
async function zsets(redis: RedisConnection, plan: SearchPlan): Promise<{ group: string; key: string }[]> {
  if (plan.state !== "aggregating") {
    const key = {
      scheduled: keys.scheduledKey,
      retry: keys.retryKey,
      archived: keys.archivedKey,
      completed: keys.completedKey,
    }[plan.state as "scheduled" | "retry" | "archived" | "completed"](plan.queue);
    return [{ group: "", key }];
  }
  const names = plan.group !== undefined ? [plan.group] : await redis.smembers(keys.allGroups(plan.queue));
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return names.map((g) => ({ group: g, key: keys.groupKey(plan.queue, g) }));
}

/** Scans scheduled, retry, archived, completed or aggregating zsets in (score, id) order. */
async function scanZSets(redis: RedisConnection, plan: SearchPlan): Promise<Scan> {
  const out: Scan = { found: [], scanned: 0, total: 0, cursor: null };
  const [min, max] = scoreRange(plan);
  const all = await zsets(redis, plan);
  const c = plan.cursor?.kind === "zset" ? plan.cursor : null;
  const withScore = plan.state === "scheduled" || plan.state === "retry";
  const timeFromScore = plan.state !== "completed";
  const counts = await Promise.all(all.map((z) => redis.zcount(z.key, min, max)));
  out.total = counts.reduce((a, b) => a + b, 0);
  type Req = { score: string; member: Buffer; n: number };
  const handle = (r: Reply[]): void => {
    for (let i = 2; i + 3 < r.length; i += 4) {
      const id = r[i] as Buffer;
      const m = decode(plan, id, r[i + 2], r[i + 3]);
      if ("corrupt" in m) {
        if (plan.includeCorrupt) out.found.push(m);
        continue;
      }
      const at = new Date(Number(text(r[i + 1])) * 1000);
      const stateTime = timeFromScore ? at.getTime() : m.completedAt > 0 ? m.completedAt * 1000 : null;
      if (!matchesTask(plan, m, stateTime)) continue;
      out.found.push({ id, msg: m, nextProcessAt: withScore ? at : null, orphaned: false });
    }
  };
  for (const z of all) {
    if (c && Buffer.compare(Buffer.from(z.group), Buffer.from(c.group)) < 0) continue;
    const resume = c !== null && z.group === c.group;
    const first = { score: resume ? c.score : "", member: resume ? c.member : Buffer.alloc(0) };
    if (out.scanned >= plan.budget) {
      out.cursor = { kind: "zset", group: z.group, ...first };
      return out;
    }
    const fetch = async (q: Req): Promise<Reply[]> =>
      replyArray(
        await runScript(
          redis,
          scripts.searchZsetChunk,
          [z.key],
          [min, max, q.score, q.member, q.n, keys.taskKeyPrefix(plan.queue)],
        ),
      );
    const next = (r: Reply[], q: Req): Req | null => {
      const k = (r.length - 2) / 4;
      out.scanned += k;
      const last = k > 0 ? { score: text(r[r.length - 3]), member: r[r.length - 4] as Buffer } : q;
      if (replyInt(r[1]!) !== 1) return null;
      if (out.scanned >= plan.budget) {
        out.cursor = { kind: "zset", group: z.group, score: last.score, member: last.member };
        return null;
      }
      return { score: last.score, member: last.member, n: Math.min(SEARCH_CHUNK, plan.budget - out.scanned) };
    };
    await chunked({ ...first, n: Math.min(SEARCH_CHUNK, plan.budget - out.scanned) }, fetch, next, handle);
    if (out.cursor) return out;
  }
  return out;
}

/** Runs one bounded search call (the queue's existence is not checked here). */
export async function searchTasks(redis: RedisConnection, plan: SearchPlan, clock: Clock): Promise<SearchResult> {
  const list = plan.state === "pending" || plan.state === "active";
  const scan = list ? await scanList(redis, plan, clock) : await scanZSets(redis, plan);
  const tasks = scan.found.filter((f): f is Exclude<Found, CorruptTaskInfo> => !("corrupt" in f));
  const results = tasks.length
    ? await Promise.all(tasks.map((f) => redis.hgetBuffer(keys.taskKey(plan.queue, f.msg.id), "result")))
    : [];
  const resultOf = new Map(tasks.map((f, i) => [f, results[i]] as const));
  const matches = scan.found.map((f): TaskInfo | CorruptTaskInfo => {
    if ("corrupt" in f) return f;
    const res = resultOf.get(f);
    const state: TaskState = plan.state;
    return toTaskInfo(f.msg, state, f.nextProcessAt, res && res.length > 0 ? new Uint8Array(res) : null, f.orphaned);
  });
  return {
    matches,
    nextCursor: scan.cursor ? encodeCursor(plan, scan.cursor) : null,
    scanned: scan.scanned,
    total: scan.total,
  };
}
