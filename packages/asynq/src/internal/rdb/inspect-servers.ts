// Process reads of the Inspector: heartbeating servers with their workers, scheduler entries and
// cron enqueue history (spec §7.3, §9.3). Records that do not decode are returned as CorruptEntry.
import type {
  CorruptEntry,
  CorruptEntryKind,
  SchedulerEnqueueEvent,
  SchedulerEntry,
  ServerInfo,
  WorkerInfo,
} from "../../inspector-types.js";
import * as keys from "../base/keys.js";
import { decodeSchedulerEnqueueEvent, decodeSchedulerEntry, decodeServerInfo, decodeWorkerInfo } from "../base/info.js";
import { parseOptionStrings } from "../base/option-strings.js";
import { type Clock, unixSeconds } from "../clock.js";
import type { PageRange } from "./inspect-tasks.js";
import { type RedisConnection, replyArray, replyString, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Members of a heartbeat zset that have not expired; expired ones are pruned, as Go's readers do. */
async function liveMembers(redis: RedisConnection, zset: string, clock: Clock): Promise<string[]> {
  const r = replyArray(await runScript(redis, scripts.liveMembers, [zset], [unixSeconds(clock)]));
  return r.map((m) => replyString(m) ?? "");
}

function corrupt(kind: CorruptEntryKind, key: string, e: unknown, field?: string): CorruptEntry {
  const reason = `${kind} does not decode: ${e instanceof Error ? e.message : String(e)}`;
  return field === undefined ? { corrupt: true, kind, key, reason } : { corrupt: true, kind, key, field, reason };
}

function byTime(a: Date | null, b: Date | null): number {
  return (a?.getTime() ?? 0) - (b?.getTime() ?? 0);
}

/**
 * Every heartbeating server with its in-flight tasks (workers attached by server id), sorted by host,
 * pid and id; workers oldest start first. Keys that expired meanwhile are skipped.
 */
export async function listServers(redis: RedisConnection, clock: Clock): Promise<(ServerInfo | CorruptEntry)[]> {
  const [serverKeys, workerKeys] = await Promise.all([
    liveMembers(redis, keys.allServers, clock),
    liveMembers(redis, keys.allWorkers, clock),
  ]);
  const [infos, workerHashes] = await Promise.all([
    Promise.all(serverKeys.map((k) => redis.getBuffer(k))),
    Promise.all(workerKeys.map((k) => redis.hgetallBuffer(k))),
  ]);
  const problems: CorruptEntry[] = [];
  const workersByServer = new Map<string, WorkerInfo[]>();
  workerHashes.forEach((hash, i) => {
    for (const [taskId, value] of Object.entries(hash)) {
      try {
        const w = decodeWorkerInfo(value);
        const list = workersByServer.get(w.serverId) ?? [];
        list.push({
          taskId: w.taskId,
          taskType: w.taskType,
          taskPayload: w.taskPayload,
          queue: w.queue,
          started: w.startTime,
          deadline: w.deadline,
        });
        workersByServer.set(w.serverId, list);
      } catch (e) {
        problems.push(corrupt("worker", workerKeys[i]!, e, taskId));
      }
    }
  });
  const servers: ServerInfo[] = [];
  infos.forEach((bytes, i) => {
    if (bytes === null) return;
    try {
      const s = decodeServerInfo(bytes);
      const workers = (workersByServer.get(s.serverId) ?? []).sort(
        (a, b) => byTime(a.started, b.started) || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0),
      );
      servers.push({
        id: s.serverId,
        host: s.host,
        pid: s.pid,
        concurrency: s.concurrency,
        queues: s.queues,
        strictPriority: s.strictPriority,
        started: s.startTime,
        status: s.status,
        activeWorkers: workers,
      });
    } catch (e) {
      problems.push(corrupt("server", serverKeys[i]!, e));
    }
  });
  servers.sort((a, b) =>
    a.host !== b.host ? (a.host < b.host ? -1 : 1) : a.pid - b.pid || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return [...servers, ...problems];
}

/**
 * Every entry of every heartbeating scheduler with option strings parsed back, soonest next run first
 * (never-firing entries last, ties by id): Go rewrites the lists in random map order every beat.
 * An entry that does not decode is a CorruptEntry whose `field` is its list index, after the good ones.
 */
export async function listSchedulerEntries(
  redis: RedisConnection,
  clock: Clock,
): Promise<(SchedulerEntry | CorruptEntry)[]> {
  const listKeys = await liveMembers(redis, keys.allSchedulers, clock);
  const lists = await Promise.all(listKeys.map((k) => redis.lrangeBuffer(k, 0, -1)));
  const out: SchedulerEntry[] = [];
  const problems: CorruptEntry[] = [];
  lists.forEach((items, i) => {
    items.forEach((bytes, index) => {
      try {
        const e = decodeSchedulerEntry(bytes);
        out.push({
          id: e.id,
          spec: e.spec,
          taskType: e.taskType,
          taskPayload: e.taskPayload,
          options: parseOptionStrings(e.enqueueOptions).options,
          optionStrings: e.enqueueOptions,
          next: e.nextEnqueueTime,
          prev: e.prevEnqueueTime,
        });
      } catch (err) {
        problems.push(corrupt("schedulerEntry", listKeys[i]!, err, String(index)));
      }
    });
  });
  const at = (d: Date | null): number => d?.getTime() ?? Number.POSITIVE_INFINITY;
  out.sort((a, b) => at(a.next) - at(b.next) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...out, ...problems];
}

/** One page of a cron entry's enqueue events, newest first. */
export async function listSchedulerEnqueueEvents(
  redis: RedisConnection,
  entryId: string,
  range: PageRange,
): Promise<(SchedulerEnqueueEvent | CorruptEntry)[]> {
  const key = keys.schedulerHistoryKey(entryId);
  const members = await redis.zrevrangeBuffer(key, range.start, range.stop);
  return members.map((bytes) => {
    try {
      const e = decodeSchedulerEnqueueEvent(bytes);
      return { taskId: e.taskId, enqueuedAt: e.enqueueTime };
    } catch (err) {
      return corrupt("schedulerEnqueueEvent", key, err);
    }
  });
}
